import { fileTypeFromBuffer } from 'file-type';
import { KizunaError, PayloadTooLargeError, ValidationError } from '../../kernel/errors.ts';
import { stripMetadata } from './stripMetadata.ts';

/** Photos larger than this are refused (phones' HEIC and JPEG photos are 2–6 MB). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);

export class UnsupportedMediaError extends KizunaError {
  constructor(message: string) {
    super(message, 415, 'unsupported_media_type');
  }
}

/**
 * The photo's real type, read from its first bytes (magic numbers): the name and content type the
 * browser sent are never trusted, so a text file renamed .jpg is refused.
 */
export async function checkPhoto(bytes: Buffer): Promise<{ contentType: string }> {
  if (bytes.length === 0) throw new ValidationError('Empty photo', [{ path: ['photo'], message: 'the file is empty' }]);
  if (bytes.length > MAX_PHOTO_BYTES) throw new PayloadTooLargeError(`The photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !IMAGE_TYPES.has(detected.mime)) {
    throw new UnsupportedMediaError(`The photo must be a JPEG, PNG, WebP or HEIC image${detected ? ` (this file is ${detected.mime})` : ''}`);
  }
  return { contentType: detected.mime };
}

/** A photo as it is stored: its checked type, and its bytes without metadata (the GPS position in particular). */
export async function acceptPhoto(bytes: Buffer): Promise<{ contentType: string; bytes: Buffer }> {
  const { contentType } = await checkPhoto(bytes);
  return { contentType, bytes: stripMetadata(bytes, contentType) };
}
