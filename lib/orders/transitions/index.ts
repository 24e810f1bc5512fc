/**
 * Every order state change, each ONE compare-and-set statement (`UPDATE … WHERE id = ? AND state = ?`):
 * no transaction is ever held across an upstream call, and a change that lost a race changes nothing.
 * The `Order_state_event` trigger writes the OrderEvent row in the same statement. Only these files
 * write `Order.state` or `Batch.state` (lib/orders/state-owner.test.ts enforces it).
 *
 * Raw SQL on purpose: Prisma's updateMany may read before it writes, and these statements must stay
 * single and conditional on both databases. The Prisma calls left in batch.ts run inside a confirm's or
 * cancel's transaction, which already makes them atomic.
 */
export * from "./submit";
export * from "./sync";
export * from "./resolve";
export * from "./batch";
export * from "./settle";
