package dev.haul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.haul.spi.EventListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 9: the listener handed to the transport forwards every callback, including new ones. */
class AttemptListenerTest {

  @Test
  void overridesEveryCallbackOfEventListener() throws Exception {
    List<String> missing = Arrays.stream(EventListener.class.getMethods())
        .filter(m -> m.isDefault() && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> {
          try {
            Method own = AttemptListener.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return own == null;
          } catch (NoSuchMethodException e) {
            return true;
          }
        })
        .map(Method::getName)
        .toList();
    assertThat(missing).isEmpty();
  }
}
