package dev.portalkit.storage.support;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.StorageSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates a storage trusts for its endpoint, when they are not the JVM's: {@code ca_bundle}
 * (a PEM file of CA certificates, like botocore's {@code ca_bundle} / {@code AWS_CA_BUNDLE} and
 * requests' {@code verify}) and/or {@code trust_store} + {@code trust_store_password} (a PKCS12 or
 * JKS file, like {@code javax.net.ssl.trustStore}). When either is set, only its certificates are
 * trusted for this storage's connections; the JVM's default trust is left alone for everything else.
 * Shared by files:s3, files:azure_blob and files:redis (each bundles it relocated).
 */
public final class Trust {
    public static final String CA_BUNDLE = "ca_bundle";
    public static final String TRUST_STORE = "trust_store";
    public static final String TRUST_STORE_PASSWORD = "trust_store_password";

    private Trust() {
    }

    public static List<ConfigOption> declarations() {
        return List.of(
                ConfigOption.of(CA_BUNDLE, "PEM file of the CA certificate(s) to trust for the endpoint's TLS certificate (a private "
                        + "CA or a self-signed endpoint); when set, only these are trusted for this storage. Default: the JVM's trust.")
                        .type(ConfigType.PATH),
                ConfigOption.of(TRUST_STORE, "A PKCS12 or JKS trust store to trust instead of (or with) ca_bundle.")
                        .type(ConfigType.PATH),
                ConfigOption.of(TRUST_STORE_PASSWORD, "Password of trust_store (if it has one).").asSecret());
    }

    /**
     * The trust managers of the configured certificates, or {@code null} for the JVM's default.
     * Problems are added to {@code problems}, each naming its full key.
     */
    public static TrustManager[] load(StorageSettings settings, List<String> problems) {
        String bundle = blankToNull(settings.option(CA_BUNDLE));
        String store = blankToNull(settings.option(TRUST_STORE));
        String password = blankToNull(settings.secret(TRUST_STORE_PASSWORD));
        if (bundle == null && store == null) {
            if (password != null) {
                problems.add(settings.key(TRUST_STORE_PASSWORD) + ": set only with " + settings.key(TRUST_STORE));
            }
            return null;
        }
        KeyStore trusted;
        try {
            trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("no key store type " + KeyStore.getDefaultType(), e);
        }
        int count = 0;
        if (store != null) {
            try {
                KeyStore loaded = KeyStore.getInstance(Path.of(store).toFile(), password == null ? null : password.toCharArray());
                for (String alias : java.util.Collections.list(loaded.aliases())) {
                    Certificate certificate = loaded.getCertificate(alias);
                    if (certificate != null) {
                        trusted.setCertificateEntry("store-" + count++, certificate);
                    }
                }
                if (count == 0) {
                    problems.add(settings.key(TRUST_STORE) + ": " + store + " holds no certificate");
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add(settings.key(TRUST_STORE) + ": cannot read " + store + " as a PKCS12 or JKS trust store ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        if (bundle != null) {
            try (InputStream in = Files.newInputStream(Path.of(bundle))) {
                Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certificates.isEmpty()) {
                    problems.add(settings.key(CA_BUNDLE) + ": " + bundle + " holds no PEM certificate");
                }
                for (Certificate certificate : certificates) {
                    trusted.setCertificateEntry("bundle-" + count++, certificate);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add(settings.key(CA_BUNDLE) + ": cannot read " + bundle + " as PEM certificates ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            problems.add(settings.key(CA_BUNDLE) + ": the certificates cannot be used (" + e.getMessage() + ")");
            return null;
        }
    }

    /** The TLS failure in {@code e}'s chain (a certificate not trusted, a host name not matching), or {@code null}. */
    public static SSLException tlsFailure(Throwable e) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t) && seen.size() < 32; t = t.getCause()) {
            seen.add(t);
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /** What the TLS failure says, shortened to its first line (the JDK's messages nest). */
    public static String describe(SSLException e) {
        String message = e.getMessage() == null ? "the TLS handshake failed" : e.getMessage();
        int colon = message.indexOf(": sun.security");
        return colon > 0 ? message.substring(0, colon) : message;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
