import { NotFoundError, ValidationError } from './errors.ts';

/**
 * An id inside a request body must name an object of the caller's own workspace. `lookup` is the
 * owning service's workspace-scoped get; its 404 becomes a 400 naming the field, so an id from
 * another workspace (or none) is refused instead of being stored.
 */
export async function referenceIn<T>(field: (string | number)[], lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    throw new ValidationError(`${field.join('.')} does not name anything in this workspace`, [{ path: field, message: `${err.message} (in this workspace)` }]);
  }
}
