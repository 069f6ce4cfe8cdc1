import type { Readable } from 'node:stream';
import type { VisitPhotoView } from '../../contracts/care-types';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { FileStore } from '../../gateways/file-store.gateway';
import type { Clock } from '../../lib/clock';
import { imageTypeOf, readLimited } from '../../lib/image-type';
import { DAY } from '../../lib/time';
import { UploadTooLargeError } from '../../lib/upload';
import type { VisitPhotoRepository, VisitRepository } from '../../repositories/care.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

/** A photo is at most this many bytes (a phone's compressed photo is well under it). */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
/** At most this many photos per visit. */
export const PHOTOS_PER_VISIT = 6;
/** Photos are added within this long of recording the visit (on the way home, not weeks later). */
export const PHOTO_WINDOW_MS = DAY;
/** What the sender may say the body is; the bytes decide what it really is. */
const DECLARED = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/webp', 'application/octet-stream']);

export interface VisitPhotoServiceDeps {
  db: Database;
  clock: Clock;
  visits: VisitRepository;
  photos: VisitPhotoRepository;
  seniors: SeniorRepository;
  files: FileStore;
  access: AccessService;
  audit: AuditService;
}

export interface PhotoUpload {
  body: Readable;
  contentType: string;
  contentLength: number | null;
}

/**
 * Photos on a visit (optional): added by the one who recorded it or the staff of its centre, within a day of recording;
 * seen by those who may see the visit (its centre's staff, the administrators over it, the senior, and the family where
 * the senior agreed to share visits with them). A photo of a senior's home is personal data: the purge deletes it.
 */
export class VisitPhotoService {
  constructor(private readonly deps: VisitPhotoServiceDeps) {}

  async add(actor: Actor, visitId: number, upload: PhotoUpload): Promise<VisitPhotoView> {
    const visit = await this.deps.visits.findById(visitId);
    if (!visit) throw new AppError('VISIT_NOT_FOUND');
    if (visit.visitedByAccountId !== actor.accountId && !this.deps.access.isStaffOf(actor, visit.centreId)) throw new AppError('VISIT_PHOTO_NOT_ALLOWED');
    if (visit.status !== 'done' || !visit.doneAt) throw new AppError('VISIT_NOT_DONE');
    const now = this.deps.clock.now();
    if (now.getTime() - visit.doneAt.getTime() > PHOTO_WINDOW_MS) throw new AppError('VISIT_PHOTO_TOO_LATE');
    if ((await this.deps.photos.countOf(visitId)) >= PHOTOS_PER_VISIT) throw new AppError('VISIT_PHOTO_TOO_MANY');
    const declared = upload.contentType.split(';')[0]!.trim().toLowerCase();
    if (!DECLARED.has(declared)) {
      upload.body.resume();
      throw new AppError('VISIT_PHOTO_NOT_IMAGE');
    }
    if (upload.contentLength !== null && upload.contentLength > PHOTO_MAX_BYTES) {
      upload.body.resume();
      throw new AppError('VISIT_PHOTO_TOO_LARGE', undefined, { maxBytes: PHOTO_MAX_BYTES });
    }
    const bytes = await readLimited(upload.body, PHOTO_MAX_BYTES).catch((err: unknown) => {
      if (err instanceof UploadTooLargeError) throw new AppError('VISIT_PHOTO_TOO_LARGE', undefined, { maxBytes: PHOTO_MAX_BYTES });
      throw err;
    });
    const type = imageTypeOf(bytes);
    if (!type) throw new AppError('VISIT_PHOTO_NOT_IMAGE');
    const key = await this.deps.files.put(bytes, type);
    try {
      const photo = await this.deps.db.transaction(async (em) => {
        const row = await this.deps.photos.insert(em, {
          visitId,
          seniorId: visit.seniorId,
          storeKey: key,
          contentType: type,
          bytes: bytes.length,
          uploadedByAccountId: actor.accountId,
          createdAt: now,
        });
        await this.deps.audit.record(
          em,
          actor,
          'visit.photo_add',
          { type: 'visit', id: visitId, scope: { centreId: visit.centreId, regionPath: visit.regionPath } },
          { photoId: row.id, contentType: type, bytes: bytes.length },
        );
        return row;
      });
      return { id: photo.id, visitId, contentType: type, bytes: bytes.length, createdAt: now.toISOString() };
    } catch (err) {
      await this.deps.files.delete(key); // no row points to it
      throw err;
    }
  }

  /** The photo's bytes and type, for those who may see the visit. */
  async read(actor: Actor, visitId: number, photoId: number): Promise<{ body: Buffer; contentType: string }> {
    const photo = await this.deps.photos.findById(photoId);
    if (!photo || photo.visitId !== visitId) throw new AppError('VISIT_PHOTO_NOT_FOUND');
    const visit = await this.deps.visits.findById(visitId);
    const senior = await this.deps.seniors.findById(photo.seniorId);
    if (!visit || !senior) throw new AppError('VISIT_PHOTO_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    const may =
      photo.uploadedByAccountId === actor.accountId ||
      this.deps.access.isStaffOf(actor, visit.centreId) ||
      this.deps.access.isAdminOver(actor, visit.regionPath) ||
      rel === 'self' ||
      rel === 'staff' ||
      rel === 'admin' ||
      (rel === 'family' && senior.shareCareWithFamily);
    if (!may) throw new AppError('VISIT_PHOTO_VIEW_NOT_ALLOWED');
    const body = await this.deps.files.get(photo.storeKey);
    if (!body) throw new AppError('VISIT_PHOTO_NOT_FOUND');
    return { body, contentType: photo.contentType };
  }
}
