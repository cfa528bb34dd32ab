/**
 * The department's patient list. In a real EPR this comes from the patient administration
 * system; here it is the kit's synthetic population (packages/mock/src/fixtures.ts — a test
 * keeps the two the same). Every NHS number is from the never-issued 999 range.
 *
 * `nhsNumberVerified` is the host's own knowledge: true once the number has been traced on
 * the Personal Demographics Service (PDS). CP-IS is never checked for an unverified number.
 *
 * Adults are in the same list as children on purpose: a protection plan for an unborn
 * child sits on the pregnant woman's own record, so the banner belongs on every patient.
 */
export const patients = [
  {
    givenName: 'Oliver',
    familyName: 'Bennett',
    dateOfBirth: '2019-04-12',
    nhsNumber: '9990001375',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Maya',
    familyName: 'Okafor',
    dateOfBirth: '2012-09-30',
    nhsNumber: '9990002746',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Chloe',
    familyName: 'Harper',
    dateOfBirth: '2001-02-17',
    nhsNumber: '9990004110',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Leo',
    familyName: 'Marsh',
    dateOfBirth: '2016-07-08',
    nhsNumber: '9990005486',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Ava',
    familyName: 'Khan',
    dateOfBirth: '2014-01-22',
    nhsNumber: '9990006857',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Noah',
    familyName: 'Price',
    dateOfBirth: '2010-11-03',
    nhsNumber: '9990008221',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Isla',
    familyName: 'Reed',
    dateOfBirth: '2018-05-19',
    nhsNumber: '9990009597',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Ruby',
    familyName: 'Hale',
    dateOfBirth: '2013-03-14',
    nhsNumber: '9990012334',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Theo',
    familyName: 'Grant',
    dateOfBirth: '2017-12-01',
    nhsNumber: '9990013705',
    nhsNumberVerified: true,
  },
  {
    givenName: 'Alex',
    familyName: 'Unknown',
    dateOfBirth: '2015-06-06',
    nhsNumber: '9990015074',
    nhsNumberVerified: false,
  },
];
