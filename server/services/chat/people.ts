import type { Account, Senior } from '../../../entities';
import { FEMALE_RELATIONS, MALE_RELATIONS } from '../../language/patterns';
import type { Understanding } from '../../language/understand';
import { BOT } from '../../words/bot';
import { AppError } from '../../errors';
import type { AccountRepository } from '../../repositories/account.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { actorForAccount, type Actor } from '../access/actor';
import type { Attempt, AttemptLimiter } from '../access/attempt-limiter';
import type { FamilyLinkService } from '../people/family-link.service';
import type { BindOutcome, WechatBindingService } from '../people/wechat-binding.service';

/** Who is writing: their account (if bound), the senior they are, and the seniors they look after. */
export interface Speaker {
  openid: string;
  account: Account | null;
  actor: Actor | null;
  self: Senior | null;
  linked: Senior[];
}

/** An answer that binds (or does not): nothing is awaited after it. */
export interface BindAnswer {
  reply: string;
  intent: string;
  pending: null;
  seniorId?: number | null;
  accountId?: number | null;
}

/** The senior a request is about: named, by relation word, oneself, the only one — or the candidates to ask. */
export function pickSenior(s: Speaker, u: Understanding): Senior | Senior[] | null {
  const all = [...(s.self ? [s.self] : []), ...s.linked.filter((x) => x.id !== s.self?.id)];
  const w = u.forWhom;
  if (w === 'self' && s.self) return s.self;
  if (w && w !== 'self') {
    let found = s.linked.filter((x) => x.name === w || x.name.endsWith(w));
    if (found.length === 0 && FEMALE_RELATIONS.has(w)) found = s.linked.filter((x) => x.gender === 'female');
    if (found.length === 0 && MALE_RELATIONS.has(w)) found = s.linked.filter((x) => x.gender === 'male');
    if (found.length === 1) return found[0];
    if (found.length > 1) return found.slice(0, 4);
    return s.linked.length === 0 && s.self ? s.self : null;
  }
  if (s.self) return s.self;
  if (all.length === 1) return all[0];
  return all.length === 0 ? null : all.slice(0, 4);
}

export interface BotPeopleDeps {
  accounts: AccountRepository;
  seniors: SeniorRepository;
  links: FamilyLinkRepository;
  binding: WechatBindingService;
  familyLinks: FamilyLinkService;
  attempts: AttemptLimiter;
}

/**
 * The chat bot's people: who is speaking (the account behind an openid, the senior it is, the seniors it looks
 * after), and how a WeChat user becomes one of them — a centre's QR scene or binding code for a senior, a parent's
 * family-link code for their family — with wrong codes counted so that guessing is slowed down.
 */
export class BotPeople {
  constructor(private readonly deps: BotPeopleDeps) {}

  async speaker(openid: string): Promise<Speaker> {
    const account = openid ? await this.deps.accounts.loadByMpOpenid(openid) : null;
    if (!account || !account.active) return { openid, account: null, actor: null, self: null, linked: [] };
    const actor = actorForAccount(account, 'wechat');
    const [self, linked] = await Promise.all([
      account.seniorId !== null && account.roles.includes('senior') ? this.deps.seniors.load(account.seniorId) : Promise.resolve(null),
      account.roles.includes('family')
        ? this.deps.links.linkedSeniorIds(account.id).then((ids) => this.deps.seniors.findByIds(ids))
        : Promise.resolve([] as Senior[]),
    ]);
    return { openid, account, actor, self: self && self.active ? self : null, linked: linked.filter((x) => x.active).sort((a, b) => a.id - b.id) };
  }

  /** A centre's binding QR code, scanned (subscribe or SCAN with its scene). */
  async bindByScene(openid: string, scene: string): Promise<BindAnswer> {
    return this.bound(await this.deps.binding.bindByScene(openid, scene), 'bind_scene', true);
  }

  /**
   * Six digits sent in chat: a senior's binding code, or else a family-link code from a parent. Each try is counted
   * per WeChat user before the code is looked at (AttemptLimiter), so codes sent all at once cannot beat the limit;
   * a code that was right gives its try back.
   */
  async redeemCode(s: Speaker, code: string, _now: Date): Promise<BindAnswer> {
    let attempt: Attempt;
    try {
      attempt = await this.deps.attempts.begin([{ policy: 'code_openid', id: s.openid }], {
        ip: 'wechat',
        ...(s.actor ? { actor: s.actor } : {}),
        entity: { type: 'account', id: s.account?.id ?? 0 },
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'LINK_CODE_TOO_MANY_TRIES') return { reply: BOT.codeTooManyTries, intent: 'code_refused', pending: null };
      throw err;
    }
    const answer = await this.tryCode(s, code);
    if (answer.intent === 'code_wrong') await attempt.failed('chat_code.failed');
    else await attempt.succeeded();
    return answer;
  }

  private async tryCode(s: Speaker, code: string): Promise<BindAnswer> {
    if (await this.deps.binding.isLiveCode(code)) return this.bound(await this.deps.binding.bindByCode(s.openid, code), 'bind_code', false);
    // Not a senior's binding code: perhaps a family-link code from a parent. A stranger gets an account only for a
    // code that is live, so a wrong guess leaves nothing behind.
    if (!s.account && !(await this.deps.familyLinks.isLiveCode(code))) return { reply: BOT.codeWrong, intent: 'code_wrong', pending: null };
    try {
      const account = s.account ?? (await this.deps.binding.familyAccountFor(s.openid));
      const actor = actorForAccount(account, 'wechat');
      const link = await this.deps.familyLinks.redeem(actor, code);
      return { reply: BOT.linkedFamily(link.senior.name), intent: 'link_family', pending: null, seniorId: link.senior.id, accountId: account.id };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'ALREADY_LINKED') return { reply: BOT.alreadyLinked(BOT.someSenior), intent: 'link_family', pending: null };
      if (err.code === 'LINK_CODE_TOO_MANY_TRIES') return { reply: BOT.codeTooManyTries, intent: 'code_refused', pending: null };
      return { reply: BOT.codeWrong, intent: 'code_wrong', pending: null };
    }
  }

  private bound(o: BindOutcome, intent: string, scanned: boolean): BindAnswer {
    switch (o.kind) {
      case 'bound':
        return { reply: BOT.boundSenior(o.seniorName), intent, pending: null, seniorId: o.seniorId, accountId: o.accountId };
      case 'already':
        return { reply: BOT.alreadyBound(o.seniorName), intent, pending: null, seniorId: o.seniorId, accountId: o.accountId };
      case 'bound_to_other':
        return { reply: BOT.boundToOther(o.seniorName), intent, pending: null };
      case 'family_account':
        return { reply: BOT.familyAccountConflict, intent, pending: null };
      case 'invalid':
        return { reply: scanned ? BOT.sceneExpired : BOT.codeWrong, intent: scanned ? intent : 'code_wrong', pending: null };
    }
  }
}
