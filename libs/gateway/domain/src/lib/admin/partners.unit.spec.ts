import { PARTNER_TEMPLATE_SLUGS, validatePartnerCreate, validatePartnerUpdate } from './partners';

describe('partner input (custom-integrations.md §1)', () => {
  it('lists the seven templates of §10.1', () => {
    expect(PARTNER_TEMPLATE_SLUGS).toEqual(['acumatica', 'sap-business-one', 'netsuite', 'shopify', 'logo-erp', 'mikro-erp', 'custom']);
  });

  it('create: name required and trimmed; template default custom; the template’s default identifier field unless the body sets one', () => {
    expect(validatePartnerCreate({ name: ' Acumatica (production) ' })).toEqual({ ok: true, value: { name: 'Acumatica (production)', template: 'custom', defaultIdentifierField: null } });
    expect(validatePartnerCreate({ name: 'NS', template: 'netsuite' })).toEqual({ ok: true, value: { name: 'NS', template: 'netsuite', defaultIdentifierField: 'external_order_id' } });
    expect(validatePartnerCreate({ name: 'NS', template: 'netsuite', default_identifier_field: null })).toMatchObject({ ok: true, value: { defaultIdentifierField: null } });
    expect(validatePartnerCreate({ name: 'NS', template: 'netsuite', default_identifier_field: 'sku' })).toMatchObject({ ok: true, value: { defaultIdentifierField: 'sku' } });
  });

  it('create: refuses a missing or blank name, an unknown template and a malformed identifier field, each at its field', () => {
    const bad = validatePartnerCreate({ template: 'oracle', default_identifier_field: 'Order-No' });
    expect(bad).toEqual({
      ok: false,
      errors: {
        name: ['This field is required.'],
        template: ['"oracle" is not a valid choice.'],
        default_identifier_field: ['Enter a valid field name: a lower-case letter, then lower-case letters, digits or _.'],
      },
    });
    expect(validatePartnerCreate({ name: '  ', template: null })).toEqual({ ok: false, errors: { name: ['This field may not be blank.'], template: ['This field may not be null.'] } });
    expect(validatePartnerCreate({ name: 'x'.repeat(256) })).toEqual({ ok: false, errors: { name: ['Ensure this field has no more than 255 characters.'] } });
    expect(validatePartnerCreate({ name: 'x', default_identifier_field: 'a'.repeat(101) })).toEqual({ ok: false, errors: { default_identifier_field: ['Ensure this field has no more than 100 characters.'] } });
    // Strings PostgreSQL cannot store (U+0000, an unpaired surrogate) are refused, not a 500.
    expect(validatePartnerCreate({ name: 'a\u0000b' })).toEqual({ ok: false, errors: { name: ['Not a valid string.'] } });
    expect(validatePartnerUpdate({ name: 'x\ud800' })).toEqual({ ok: false, errors: { name: ['Not a valid string.'] } });
  });

  it('update: name and default_identifier_field; template cannot change', () => {
    expect(validatePartnerUpdate({ name: 'New', default_identifier_field: null })).toEqual({ ok: true, value: { name: 'New', defaultIdentifierField: null } });
    expect(validatePartnerUpdate({})).toEqual({ ok: true, value: {} });
    expect(validatePartnerUpdate({ template: 'custom' })).toEqual({ ok: false, errors: { template: ['This field cannot be changed.'] } });
  });
});
