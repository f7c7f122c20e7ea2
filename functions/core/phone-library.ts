/**
 * The one function of libphonenumber-js the service uses, with the "min" metadata. A module of
 * its own so that importing it on first use (`recipients.ts`) keeps only this function and its
 * metadata in the chunk, not every export of the library.
 */
export { parsePhoneNumberFromString } from "libphonenumber-js/min";
