import type { components } from '@cpis/domain';

// The contract's schemas by name. Aliases only: every field is defined in
// openapi/cpis.yaml and generated into @cpis/domain.
type Schemas = components['schemas'];

export type AccessContext = Schemas['AccessContext'];
export type AccessEntry = Schemas['AccessEntry'];
export type AccessReason = Schemas['AccessReason'];
export type AccessSetting = Schemas['AccessSetting'];
export type Authority = Schemas['Authority'];
export type AuthorityInput = Schemas['AuthorityInput'];
export type BatchPlanRow = Schemas['BatchPlanRow'];
export type BatchResult = Schemas['BatchResult'];
export type BatchRowResult = Schemas['BatchRowResult'];
export type CheckRequest = Schemas['CheckRequest'];
export type CheckResult = Schemas['CheckResult'];
export type FieldError = Schemas['FieldError'];
export type Health = Schemas['Health'];
export type Notification = Schemas['Notification'];
export type NotificationPage = Schemas['NotificationPage'];
export type NotificationUser = Schemas['NotificationUser'];
export type Plan = Schemas['Plan'];
export type PlanAuthority = Schemas['PlanAuthority'];
export type PlanInput = Schemas['PlanInput'];
export type PlanStatus = Schemas['PlanStatus'];
export type PlanType = Schemas['PlanType'];
export type Problem = Schemas['Problem'];
export type ProblemType = Schemas['ProblemType'];
export type ReasonCode = Schemas['ReasonCode'];
export type Setting = Schemas['Setting'];
export type StoredPlan = Schemas['StoredPlan'];
export type StoredPlanPage = Schemas['StoredPlanPage'];

export type { components, paths } from '@cpis/domain';
