package org.parley.domain.delivery;

/** The two frames a stored message causes, with the {@code action} names clients match on. */
public enum DeliveryKind {
    /** "A message for you": sent to the receiver. */
    RE_MESSAGE("re_message"),
    /** "Your message was stored": sent back to the sender. */
    CONF_MESSAGE("conf_message");

    private final String action;

    DeliveryKind(String action) {
        this.action = action;
    }

    public String action() {
        return action;
    }
}
