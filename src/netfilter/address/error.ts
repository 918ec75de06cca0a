/** The one error of the address module: the message names the input (cut by echo()). */
export class AddressError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'AddressError';
  }
}
