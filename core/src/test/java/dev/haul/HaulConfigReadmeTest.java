package dev.haul;

import dev.haul.testing.ReadmeKeyTables;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of core keys says what the descriptors say. */
class HaulConfigReadmeTest {

  @Test
  void readmeTableMatchesTheKeys() {
    ReadmeKeyTables.assertMatches(Path.of("..", "README.md"), "Configuration", HaulConfig.KEYS);
  }
}
