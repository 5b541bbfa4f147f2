package dev.haul;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import java.util.List;

/**
 * Creates a Guice injector the strict way: every binding explicit (no just-in-time bindings, so a
 * missing module fails at start-up instead of producing a surprise instance), no circular
 * proxies, constructors injected only when annotated, and {@link Stage#PRODUCTION} so singletons
 * and their checks run eagerly. {@link CoreModule} and the transport modules are written to pass
 * these checks.
 *
 * <pre>{@code
 * Injector injector = HaulInjector.create(new CoreModule(), new NettyTransportModule(), myModule);
 * HaulClient client = injector.getInstance(HaulClient.class);
 * }</pre>
 */
public final class HaulInjector {

  private HaulInjector() {}

  /** A strict injector over {@code modules}. */
  public static Injector create(Module... modules) {
    requireNonNull(modules, "modules is null");
    return create(List.of(modules));
  }

  /** A strict injector over {@code modules}. */
  public static Injector create(Iterable<? extends Module> modules) {
    requireNonNull(modules, "modules is null");
    Module strict = new AbstractModule() {
      @Override
      protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        binder().requireAtInjectOnConstructors();
        binder().requireExactBindingAnnotations();
      }
    };
    List<Module> all = new java.util.ArrayList<>();
    all.add(strict);
    modules.forEach(m -> all.add(requireNonNull(m, "a module is null")));
    return Guice.createInjector(Stage.PRODUCTION, all);
  }
}
