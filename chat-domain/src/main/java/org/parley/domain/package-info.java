/**
 * Parley's chat domain: the model every adapter speaks about, with no framework and no I/O.
 *
 * <ul>
 *   <li>{@link org.parley.domain.user} — who takes part: typed user ids, e-mail addresses and the profile a chat shows.</li>
 *   <li>{@link org.parley.domain.chat} — the seed's "thread" ({@link org.parley.domain.chat.ChatThread}: exactly two
 *       people, one thread per pair) and its immutable {@link org.parley.domain.chat.Message}s of three
 *       {@link org.parley.domain.chat.MessageType}s.</li>
 *   <li>{@link org.parley.domain.delivery} — the delivery policy: who is told of each event (a stored message), and
 *       as whom.</li>
 * </ul>
 *
 * <p>Values are records whose constructors check their invariants, so an instance that exists is valid; a broken rule
 * is a {@link org.parley.domain.DomainRuleViolation} naming its {@link org.parley.domain.RuleSubject}, never a client's
 * field name. No API word or storage code lives here: adapters name the domain's things in their own vocabulary.
 * Time is always passed in; nothing here reads a clock, a database or the network.
 */
package org.parley.domain;
