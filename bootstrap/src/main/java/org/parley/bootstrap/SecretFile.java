package org.parley.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWT secret used when {@code PARLEY_JWT_SECRET} is unset: generated once (256 random bits), kept in
 * {@code <data dir>/jwt-secret} readable by the owner only, and reused at every start so tokens survive restarts.
 */
final class SecretFile {

    private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);
    static final String FILE_NAME = "jwt-secret";

    private SecretFile() {
    }

    static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                write(file, HexFormat.of().formatHex(random));
                LOG.warn("PARLEY_JWT_SECRET is not set: generated a secret in {}. Set PARLEY_JWT_SECRET to share tokens "
                        + "with another backend or to run several Parley nodes.", file);
            } else {
                LOG.warn("PARLEY_JWT_SECRET is not set: using the generated secret in {}.", file);
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.length() < ParleyConfig.MIN_SECRET_BYTES) {
                throw new ConfigurationException("PARLEY_JWT_SECRET: unset, and " + file + " holds no usable secret (delete it to generate a new one)");
            }
            return secret;
        } catch (IOException e) {
            throw new ConfigurationException("PARLEY_DATA_DIR: cannot keep the generated JWT secret in " + file
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void write(Path file, String secret) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        Files.writeString(file, secret, StandardCharsets.UTF_8);
    }
}
