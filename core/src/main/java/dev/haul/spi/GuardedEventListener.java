package dev.haul.spi;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls several listeners in order; a listener that throws is logged once (its first failure, at
 * warn) and never breaks the call or the listeners after it. A dynamic proxy keeps this in step
 * with every callback {@link EventListener} has now or gains later.
 */
final class GuardedEventListener implements InvocationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedEventListener.class);

  // Per listener class, for the whole JVM: per-call listeners are new objects on every call, and
  // a broken one must not log a stack trace per call.
  private static final Set<Class<?>> REPORTED = ConcurrentHashMap.newKeySet();

  private final List<EventListener> delegates;

  private GuardedEventListener(List<EventListener> delegates) {
    this.delegates = delegates;
  }

  /** A guarded listener over {@code listeners}; {@link EventListener#NONE} when there are none. */
  static EventListener of(List<? extends EventListener> listeners) {
    List<EventListener> list = List.copyOf(listeners);
    if (list.isEmpty()) {
      return EventListener.NONE;
    }
    return (EventListener) Proxy.newProxyInstance(EventListener.class.getClassLoader(),
        new Class<?>[] {EventListener.class}, new GuardedEventListener(list));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "GuardedEventListener" + delegates;
      };
    }
    for (EventListener l : delegates) {
      try {
        method.invoke(l, args);
      } catch (InvocationTargetException e) {
        report(l, method, e.getCause());
      } catch (IllegalAccessException | RuntimeException e) {
        report(l, method, e);
      }
    }
    return null;
  }

  private void report(EventListener l, Method method, Throwable t) {
    if (REPORTED.add(l.getClass())) {
      LOG.warn("event listener {} threw from {}; further failures of it are logged at debug",
          l.getClass().getName(), method.getName(), t);
    } else {
      LOG.debug("event listener {} threw from {}", l.getClass().getName(), method.getName(), t);
    }
  }
}
