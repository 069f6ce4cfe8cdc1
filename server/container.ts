import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import type { WechatLoginGateway } from './gateways/wechat-login.gateway';
import type { Clock } from './lib/clock';
import { AccountRepository } from './repositories/account.repository';
import { AuditRepository } from './repositories/audit.repository';
import { BookingRepository } from './repositories/booking.repository';
import { CentreRepository } from './repositories/centre.repository';
import { FamilyLinkRepository } from './repositories/family-link.repository';
import { PolicyRepository } from './repositories/policy.repository';
import { SeniorRepository } from './repositories/senior.repository';
import { SlotRepository } from './repositories/slot.repository';
import { AccessService } from './services/access.service';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { BookingLifecycleService } from './services/booking-lifecycle.service';
import { BookingReaderService } from './services/booking-reader.service';
import { BookingService } from './services/booking.service';
import { CatalogueService } from './services/catalogue.service';
import { FamilyLinkService } from './services/family-link.service';
import { SeniorService } from './services/senior.service';

/** Everything from outside that services depend on. Tests and the sandbox swap parts of it here, and only here. */
export interface Deps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  wechatLogin: WechatLoginGateway;
}

/** The one composition root: builds every repository and service from `deps`. */
export function buildServices(deps: Deps) {
  const { db, clock } = deps;
  const repos = {
    accounts: new AccountRepository(db),
    audit: new AuditRepository(db),
    bookings: new BookingRepository(db),
    centres: new CentreRepository(db),
    links: new FamilyLinkRepository(db),
    policies: new PolicyRepository(db),
    seniors: new SeniorRepository(db),
    slots: new SlotRepository(db),
  };
  const access = new AccessService(repos.links);
  const audit = new AuditService(repos.audit, clock);
  const bookingReader = new BookingReaderService(repos.bookings, repos.slots, repos.centres, repos.seniors, repos.links, access);
  return {
    deps,
    repos,
    access,
    audit,
    auth: new AuthService(repos.accounts, deps.wechatLogin, clock),
    catalogue: new CatalogueService(repos.centres, repos.slots, clock),
    bookingReader,
    bookings: new BookingService(db, clock, repos.bookings, repos.slots, repos.centres, repos.seniors, repos.policies, access, audit, bookingReader),
    lifecycle: new BookingLifecycleService(db, clock, repos.bookings, repos.slots, access, audit, bookingReader),
    familyLinks: new FamilyLinkService(db, clock, repos.links, repos.seniors, repos.accounts, repos.audit, access, audit),
    seniors: new SeniorService(repos.seniors, access, clock),
  };
}

export type Services = ReturnType<typeof buildServices>;
