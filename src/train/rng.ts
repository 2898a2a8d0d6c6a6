/** The seeded generator lives in shared/ so that enrollment (enroll/, beside train/) can use it too. */
export * from '../shared/rng';
