package dev.haul.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a fresh, started {@link OriginServer} into test and lifecycle
 * method parameters and closes it after the test. Annotate a parameter with {@link Tls} for a TLS
 * server.
 *
 * <pre>{@code
 * @ExtendWith(OriginServerExtension.class)
 * class MyTest {
 *   @Test void works(OriginServer server, @OriginServerExtension.Tls OriginServer secure) { ... }
 * }
 * }</pre>
 */
public final class OriginServerExtension implements ParameterResolver, AfterEachCallback {

  /** Asks for a TLS origin server. */
  @Target(ElementType.PARAMETER)
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Tls {}

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(OriginServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
    return p.getParameter().getType() == OriginServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
    OriginServer.Builder b = OriginServer.builder();
    if (p.isAnnotated(Tls.class)) {
      b.tls();
    }
    OriginServer server = b.start();
    servers(ctx).add(server);
    return server;
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    List<OriginServer> list = servers(ctx);
    for (OriginServer s : list) {
      s.close();
    }
    list.clear();
  }

  @SuppressWarnings("unchecked")
  private static List<OriginServer> servers(ExtensionContext ctx) {
    return ctx.getStore(NS).getOrComputeIfAbsent("servers", k -> new ArrayList<OriginServer>(), List.class);
  }
}
