package dev.portalkit.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate it signed, for TLS endpoints the tests
 * start (S3Proxy's secure endpoint, Azurite with {@code --cert/--key}, redis-server with {@code --tls-port}).
 * Made with the {@code openssl} command (Debian's openssl package), EC P-256 keys, valid for two days,
 * for {@code localhost} and {@code 127.0.0.1}. The CA is self-signed: no JVM trusts it by default.
 *
 * @param caPem         the CA certificate (PEM): what a storage's {@code ca_bundle} names
 * @param serverPem     the server certificate (PEM)
 * @param serverKey     the server's private key (PEM, unencrypted)
 * @param serverP12     the server key and certificate as PKCS12, password {@link #PASSWORD}
 */
public record TestCertificates(Path caPem, Path serverPem, Path serverKey, Path serverP12) {
    public static final String PASSWORD = "changeit";

    /** Makes a CA and a server certificate in {@code dir}. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            Path caKey = dir.resolve("ca.key");
            Path caPem = dir.resolve("ca.pem");
            Path key = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path pem = dir.resolve("server.pem");
            Path p12 = dir.resolve("server.p12");
            Path ext = dir.resolve("server.ext");
            Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", caKey.toString(), "-out", caPem.toString(), "-days", "2", "-subj", "/CN=Portalkit test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
            openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caPem.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-out", pem.toString(), "-days", "2", "-extfile", ext.toString());
            openssl(dir, "pkcs12", "-export", "-in", pem.toString(), "-inkey", key.toString(), "-name", "server",
                    "-out", p12.toString(), "-passout", "pass:" + PASSWORD);
            return new TestCertificates(caPem, pem, key, p12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make test certificates in " + dir, e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl " + args[0] + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed (" + process.exitValue() + "): "
                    + Files.readString(log));
        }
    }
}
