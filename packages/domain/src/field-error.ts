/** One refused field, as the contract's `invalid-request` problem lists it in `errors[]`. */
export interface FieldError {
  /** A JSON Pointer to the field, e.g. `/reason/comment` or `/endDate`. */
  field: string;
  message: string;
}
