/** A small seeded PRNG (core's mulberry32), so a failing fuzz run can be replayed from its seed. */
export { seededRandom as prng } from '../../core/simulator/behaviours.ts'
