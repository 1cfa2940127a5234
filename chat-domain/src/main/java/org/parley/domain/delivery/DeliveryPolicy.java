package org.parley.domain.delivery;

import java.util.List;

import org.parley.domain.chat.Message;

/** Decides which deliveries a stored message causes. */
@FunctionalInterface
public interface DeliveryPolicy {

    List<Delivery> deliveriesOf(Message message);

    /**
     * The seed API's policy: the receiver gets {@code re_message} and the sender gets {@code conf_message}, each on
     * every device they have connected, so a user's other devices stay in step.
     */
    static DeliveryPolicy receiverAndSenderDevices() {
        return message -> List.of(
                new Delivery(message.receiver(), DeliveryKind.RE_MESSAGE),
                new Delivery(message.sender(), DeliveryKind.CONF_MESSAGE));
    }
}
