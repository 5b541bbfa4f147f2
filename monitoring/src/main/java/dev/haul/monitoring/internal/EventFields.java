package dev.haul.monitoring.internal;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a module event's fields by name without depending on the module that declared it: events
 * are records, and their components are looked up once per class.
 */
final class EventFields {

  private static final ClassValue<Map<String, Method>> ACCESSORS = new ClassValue<>() {
    @Override
    protected Map<String, Method> computeValue(Class<?> type) {
      Map<String, Method> m = new HashMap<>();
      RecordComponent[] components = type.getRecordComponents();
      if (components != null) {
        for (RecordComponent c : components) {
          Method accessor = c.getAccessor();
          try {
            accessor.setAccessible(true); // a record nested in a non-public type
          } catch (RuntimeException e) {
            // a public accessor of a public record is readable without it
          }
          m.put(c.getName(), accessor);
        }
      }
      return Map.copyOf(m);
    }
  };

  private EventFields() {}

  static Object get(Object event, String name) {
    Method m = ACCESSORS.get(event.getClass()).get(name);
    if (m == null) {
      return null;
    }
    try {
      return m.invoke(event);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  static long getLong(Object event, String name, long otherwise) {
    return get(event, name) instanceof Number n ? n.longValue() : otherwise;
  }

  static double getDouble(Object event, String name, double otherwise) {
    return get(event, name) instanceof Number n ? n.doubleValue() : otherwise;
  }

  static String getString(Object event, String name) {
    return get(event, name) instanceof String s ? s : null;
  }
}
