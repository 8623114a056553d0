package dev.portalkit.integration.standalone;

import dev.portalkit.integration.metrics.PortalMetrics;
import dev.portalkit.integration.metrics.RequestMeters;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The request meters of the standalone server ({@link RequestMeters}), around every other handler:
 * a request is timed until its last byte was written (when Jetty completes it, sendfile
 * included), and its body bytes are the ones Jetty really read and wrote.
 */
final class MetricsHandler extends Handler.Wrapper {
    private final PortalMetrics metrics;

    MetricsHandler(Handler handler, PortalMetrics metrics) {
        super(handler);
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestMeters meters = metrics.requests();
        if (meters == null) {
            return super.handle(request, response, callback);
        }
        long start = System.nanoTime();
        Callback measured = new Callback() {
            @Override
            public void succeeded() {
                record(meters, request, response, response.getStatus(), start);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                record(meters, request, response, response.isCommitted() ? response.getStatus() : 500, start);
                callback.failed(failure);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, measured);
        } catch (Throwable e) {
            record(meters, request, response, 500, start);
            throw e;
        }
        if (!handled) {
            record(meters, request, response, 404, start);
        }
        return handled;
    }

    private static void record(RequestMeters meters, Request request, Response response, int status, long start) {
        try {
            meters.record(request.getMethod(), request.getHttpURI().getPath(), request.getHeaders().get(HttpHeader.CONTENT_TYPE), status,
                    System.nanoTime() - start, Request.getContentBytesRead(request), Response.getContentBytesWritten(response));
        } catch (RuntimeException e) {
            // a meter must never fail a request
        }
    }
}
