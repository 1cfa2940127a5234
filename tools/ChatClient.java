import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Scanner;
import java.util.concurrent.CompletionStage;

/**
 * A tiny interactive websocket client for trying Parley with nothing but a JDK (no build needed):
 *
 * <pre>
 *   java tools/ChatClient.java ws://localhost:8080 ACCESS_TOKEN
 * </pre>
 *
 * Every frame the server sends is printed. Type {@code @<user-id> some text} to send a text message to that user, or
 * type a JSON frame to send it as it is. Ctrl-D quits.
 */
public class ChatClient {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java tools/ChatClient.java ws://HOST:PORT ACCESS_TOKEN");
            System.exit(2);
        }
        URI uri = URI.create(args[0] + "/ws/chat/room/?token=" + URLEncoder.encode(args[1], StandardCharsets.UTF_8));
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new Printer()).join();
        System.out.println("connected; type '@<user-id> text' or a JSON frame");
        Scanner input = new Scanner(System.in, StandardCharsets.UTF_8);
        while (input.hasNextLine()) {
            String line = input.nextLine().strip();
            if (line.isEmpty()) {
                continue;
            }
            String frame = line.startsWith("@") ? textFrame(line) : line;
            socket.sendText(frame, true).join();
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    private static String textFrame(String line) {
        int space = line.indexOf(' ');
        String receiver = space < 0 ? line.substring(1) : line.substring(1, space);
        String body = space < 0 ? "" : line.substring(space + 1);
        return "{\"action\":\"text_message\",\"receiver_id\":\"" + quote(receiver) + "\",\"message_body\":\"" + quote(body) + "\"}";
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static final class Printer implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                System.out.println("<< " + partial);
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            System.out.println("closed by the server: " + statusCode + " " + reason);
            System.exit(0);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            System.err.println("error: " + error);
            System.exit(1);
        }
    }
}
