package org.parley.adapter.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.parley.adapter.websocket.container.FrameWriter;
import org.parley.domain.delivery.ClientMessageId;

/**
 * A stored message's {@code conf_message} made from its {@code re_message} by copying bytes, instead of rendering the
 * JSON a second time: the two frames ({@link Frames#messageStoredBody}) differ only in the value of {@code action}
 * and in the sender's {@code client_msg_id}, written last. The delivery thread renders each stored message's frames,
 * so this halves the JSON it writes per message (the text, the two user ids and the timestamp were each written twice).
 *
 * <p>Where {@code "action":"re_message"} stands is found, not assumed: JSON escapes every quote inside a string
 * value, so that sequence of bytes occurs in the frame only as its {@code action} field. A {@code client_msg_id} whose
 * JSON form would need an escape (a quote, a backslash, a control or non-ASCII character) is not copied here: then
 * nothing is made and the frame is rendered as before ({@link #fromReceivers} answers null), so the bytes are always
 * the ones Jackson would write ({@code FramesGoldenTest}, {@code ConfirmationFramesTest}).
 */
final class ConfirmationFrames {

    private static final byte[] RECEIVERS_ACTION = ",\"action\":\"re_message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SENDERS_ACTION = ",\"action\":\"conf_message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_MESSAGE_ID = ",\"client_msg_id\":\"".getBytes(StandardCharsets.US_ASCII);

    private ConfirmationFrames() {
    }

    /**
     * The sender's frame of a stored message, from its receiver's ({@code receivers}, as {@link EventFrames} rendered
     * it for the same event); null when it cannot be made so (then render it).
     */
    static OutgoingFrame fromReceivers(OutgoingFrame receivers, Optional<ClientMessageId> clientMessageId) {
        String id = clientMessageId.isPresent() ? clientMessageId.get().value() : null;
        if (id != null && !plainAscii(id)) {
            return null;
        }
        byte[] from = receivers.framed();
        int payload = FrameWriter.payloadLength(from);
        int start = from.length - payload;
        int end = from.length - 1;
        int action = lastIndexOf(from, start, end, RECEIVERS_ACTION);
        if (action < 0 || from[end] != '}') {
            return null;
        }
        int idLength = id == null ? 0 : CLIENT_MESSAGE_ID.length + id.length() + 1;
        int length = payload - RECEIVERS_ACTION.length + SENDERS_ACTION.length + idLength;
        byte[] to = FrameWriter.textFrameToFill(length);
        int at = to.length - length;
        at = copy(from, start, action - start, to, at);
        at = copy(SENDERS_ACTION, 0, SENDERS_ACTION.length, to, at);
        int afterAction = action + RECEIVERS_ACTION.length;
        at = copy(from, afterAction, end - afterAction, to, at);
        if (id != null) {
            at = copy(CLIENT_MESSAGE_ID, 0, CLIENT_MESSAGE_ID.length, to, at);
            for (int i = 0; i < id.length(); i++) {
                to[at++] = (byte) id.charAt(i);
            }
            to[at++] = '"';
        }
        to[at] = '}';
        return OutgoingFrame.framed(to);
    }

    /** Whether Jackson writes {@code text} as a JSON string byte for byte, with no escape: printable ASCII. */
    private static boolean plainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Where {@code part} last starts in {@code bytes[from, to)}, or -1. */
    private static int lastIndexOf(byte[] bytes, int from, int to, byte[] part) {
        for (int i = to - part.length; i >= from; i--) {
            int j = 0;
            while (j < part.length && bytes[i + j] == part[j]) {
                j++;
            }
            if (j == part.length) {
                return i;
            }
        }
        return -1;
    }

    private static int copy(byte[] from, int offset, int length, byte[] to, int at) {
        System.arraycopy(from, offset, to, at, length);
        return at + length;
    }
}
