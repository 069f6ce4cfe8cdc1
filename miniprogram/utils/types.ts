/**
 * The /api/v1 answers the mini-program reads, as the server declares them (server/contracts/api-types.ts): when the
 * server changes an answer a page relies on, `npm run typecheck` fails here instead of a page going blank.
 * Types only, erased at compile: nothing of the server ends up in the mini-program package.
 */
export type {
  AccountView,
  AlertView,
  BookingView,
  CentreView,
  ExchangeView,
  FamilyLinkView,
  Items,
  LedgerView,
  LoginAnswer,
  NoticeInbox,
  NoticeView,
  PrepayAnswer,
  QuoteView,
  RaisedAlertAnswer,
  SeniorView,
  SlotView,
  UsualMealView,
} from '../../server/contracts/api-types';
export type {
  RecordedVisitAnswer,
  SeniorCareAnswer,
  TimeBankAnswer,
  VisitCodeAnswer,
  VisitPhotoView,
  VisitView,
  VolunteerHomeAnswer,
} from '../../server/contracts/care-types';
