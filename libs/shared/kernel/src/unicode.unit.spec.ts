import { codePointLength, containsLoneSurrogate, containsNul, isValidApiString, truncateCodePoints, utf8ByteLength } from './unicode';

describe('unicode helpers', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('é')).toBe(1);
    expect(codePointLength('\ud800x')).toBe(2);
  });

  it('detects U+0000', () => {
    expect(containsNul('a\u0000b')).toBe(true);
    expect(containsNul('ab')).toBe(false);
  });

  it('detects unpaired surrogates only', () => {
    expect(containsLoneSurrogate('\ud800')).toBe(true);
    expect(containsLoneSurrogate('a\udc00')).toBe(true);
    expect(containsLoneSurrogate('\udc00\ud800')).toBe(true);
    expect(containsLoneSurrogate('😀')).toBe(false);
    expect(containsLoneSurrogate('\ud83d\ude00')).toBe(false);
    expect(containsLoneSurrogate('plain')).toBe(false);
  });

  it('validates API strings', () => {
    expect(isValidApiString('ok')).toBe(true);
    expect(isValidApiString('\u0000')).toBe(false);
    expect(isValidApiString('\ud800')).toBe(false);
  });

  it('truncates by code points without splitting pairs', () => {
    expect(truncateCodePoints('abcdef', 3)).toBe('abc');
    expect(truncateCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(truncateCodePoints('ab', 5)).toBe('ab');
    expect(truncateCodePoints('x'.repeat(250), 200)).toHaveLength(200);
  });

  it('measures UTF-8 bytes', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    for (const s of ['', 'abc', 'héllo wörld', '日本語', '😀x😀']) {
      expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });
});
