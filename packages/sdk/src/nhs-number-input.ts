import { isValidNhsNumber, normalizeNhsNumber } from '@cpis/domain';
import { CpisValidationError } from './errors.js';

/** Normalised (spaces and dashes removed) and Modulus 11 checked, before any request. */
export function validNhsNumber(value: string): string {
  const nhsNumber = normalizeNhsNumber(value);
  if (!isValidNhsNumber(nhsNumber)) {
    throw new CpisValidationError(
      'nhsNumber',
      'Not a valid NHS number: ten digits with a Modulus 11 check digit are needed',
    );
  }
  return nhsNumber;
}
