package dev.portalkit.testservers;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * The bucket sub-resources {@code ?policy} and {@code ?cors} (PUT, GET, DELETE), which S3Proxy
 * does not implement, kept in memory per bucket: what was PUT is what GET returns, so the SDK
 * reads back exactly what an adapter sent. Requests must be signed with the server's access key
 * (the signature itself is not checked here) and the bucket must exist in S3Proxy's store.
 */
public final class BucketSubresources implements Filter {
    private final BlobStore store;
    private final String accessKey;
    private final Map<String, String> policies = new ConcurrentHashMap<>();
    private final Map<String, String> cors = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    BucketSubresources(BlobStore store, String accessKey) {
        this.store = store;
        this.accessKey = accessKey;
    }

    public Optional<String> policy(String bucket) {
        return Optional.ofNullable(policies.get(bucket));
    }

    public Optional<String> cors(String bucket) {
        return Optional.ofNullable(cors.get(bucket));
    }

    /** Every request so far, as {@code METHOD /path?query} (query without the signature's parameters). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String query = request.getQueryString() == null ? "" : request.getQueryString();
        String sub = query.equals("policy") || query.startsWith("policy=") ? "policy"
                : query.equals("cors") || query.startsWith("cors=") ? "cors" : null;
        String path = request.getRequestURI();
        requests.add(request.getMethod() + " " + path + (query.isEmpty() || query.contains("X-Amz-") ? "" : "?" + query));
        String bucket = path.length() > 1 ? path.substring(1).replaceAll("/$", "") : "";
        if (sub == null || bucket.isEmpty() || bucket.contains("/")) {
            chain.doFilter(req, res);
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.contains("Credential=" + accessKey + "/")) {
            error(response, 403, "AccessDenied");
            return;
        }
        if (!store.containerExists(bucket)) {
            error(response, 404, "NoSuchBucket");
            return;
        }
        Map<String, String> values = sub.equals("policy") ? policies : cors;
        switch (request.getMethod()) {
            case "PUT" -> {
                values.put(bucket, new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                response.setStatus(sub.equals("policy") ? 204 : 200);
            }
            case "GET" -> {
                String value = values.get(bucket);
                if (value == null) {
                    error(response, 404, sub.equals("policy") ? "NoSuchBucketPolicy" : "NoSuchCORSConfiguration");
                    return;
                }
                response.setStatus(200);
                response.setContentType(sub.equals("policy") ? "application/json" : "application/xml");
                response.getOutputStream().write(value.getBytes(StandardCharsets.UTF_8));
            }
            case "DELETE" -> {
                values.remove(bucket);
                response.setStatus(204);
            }
            default -> error(response, 405, "MethodNotAllowed");
        }
    }

    private static void error(HttpServletResponse response, int status, String code) throws IOException {
        response.setStatus(status);
        response.setContentType("application/xml");
        response.getOutputStream().write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
                + code + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }
}
