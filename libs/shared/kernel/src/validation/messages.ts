/** Field-level message catalogue (spec/errors.md §5.2). Texts are exact. */
export const Messages = {
  required: 'This field is required.',
  notNull: 'This field may not be null.',
  blank: 'This field may not be blank.',
  invalidString: 'Not a valid string.',
  maxLength: (n: number): string => `Ensure this field has no more than ${n} characters.`,
  invalidInteger: 'A valid integer is required.',
  invalidNumber: 'A valid number is required.',
  maxDecimalPlaces: (n: number): string => `Ensure that there are no more than ${n} decimal places.`,
  maxWholeDigits: (n: number): string => `Ensure that there are no more than ${n} digits before the decimal point.`,
  minValue: (n: number): string => `Ensure this value is greater than or equal to ${n}.`,
  maxValue: (n: number): string => `Ensure this value is less than or equal to ${n}.`,
  invalidBoolean: 'Must be a valid boolean.',
  invalidObject: 'Expected a JSON object.',
  invalidList: 'Expected a list of items.',
  emptyList: 'This list may not be empty.',
  maxItems: (n: number): string => `Ensure this field has no more than ${n} elements.`,
  objectTooLarge: (bytes: number): string => `Ensure this object is no larger than ${bytes} bytes when serialized.`,
  invalidDatetime: 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.',
  invalidChoice: (value: string): string => `"${value}" is not a valid choice.`,
  immutable: 'This field cannot be changed.',
  orderLinesOnPut: 'Order lines cannot be changed with PUT.',
  duplicateOrder: (field: string): string => `An order with this ${field} already exists.`,
  duplicateProduct: (field: string): string => `A product with this ${field} already exists.`,
  duplicateLocation: (field: string): string => `A location with this ${field} already exists.`,
  invalidCursor: 'Invalid cursor.',
  /**
   * Not in errors.md §5.2 (chosen for issue 9): a number inside an object field (`custom_fields`,
   * `metadata`, `customer_info`) that a double cannot carry exactly (`1e400`, `12345678901234567`,
   * `12.50000000000000001`), reported at its nested path. The field is rejected rather than
   * stored changed.
   */
  inexactNumber: 'This number cannot be stored exactly; send it as a string.',
} as const;
