package dev.haul.testing;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Haul's layering rules, checked over compiled classes with ArchUnit. Every module runs them over
 * what is on its test class path (its own classes and those of the modules it uses):
 *
 * <ol>
 *   <li>A class outside an {@code internal} package (public API, SPI, configuration) depends on no
 *       {@code internal} class, except a module's declared composition roots (the entry points
 *       that assemble the engine, such as {@code dev.haul.Haul}), and those only on their own
 *       module's internals.
 *   <li>No module depends on another module's {@code internal} package.
 *   <li>No {@code internal} class depends on a composition root, so the roots stay on top and the
 *       API, SPI and engine form no import circle.
 *   <li>A composition root's public signatures (fields, method parameters and results) name no
 *       {@code internal} type.
 * </ol>
 *
 * <p>Modules are told apart by package: {@code dev.haul.transport.netty} and the other roots in
 * {@link #MODULE_ROOTS} own their packages, {@code dev.haul} owns the rest (core). Test fixtures
 * ({@code dev.haul.testing}, {@code dev.haul.testkit}) are not library code and are left out.
 */
public final class Layering {

  /** The package roots of Haul's modules other than core, longest match wins. */
  public static final List<String> MODULE_ROOTS = List.of("dev.haul.transport.netty",
      "dev.haul.download", "dev.haul.cache", "dev.haul.monitoring", "dev.haul.examples",
      "dev.haul.benchmarks", "dev.haul.testkit");

  /** Core's composition roots: the builder entry point and the Guice module. */
  public static final Set<String> CORE_ROOTS = Set.of("dev.haul.Haul", "dev.haul.Haul$Builder",
      "dev.haul.CoreModule");

  private Layering() {}

  /** Haul's library classes on the class path (no tests, no test fixtures, no benchmarks). */
  public static JavaClasses libraryClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.haul")
        .that(com.tngtech.archunit.base.DescribedPredicate.describe("library code",
            c -> !c.getPackageName().startsWith("dev.haul.testing")
                && !c.getPackageName().startsWith("dev.haul.testkit")
                && !c.getPackageName().startsWith("dev.haul.benchmarks")
                && !c.getName().startsWith("dev.haul.transport.netty.internal.PoolBenchmark")));
  }

  /**
   * Every violation of the rules among {@code classes}, as readable lines; {@code roots} are the
   * composition roots (binary names, nested classes with {@code $}) of every module in them.
   */
  public static List<String> violations(JavaClasses classes, Set<String> roots) {
    Set<String> out = new TreeSet<>();
    for (JavaClass c : classes) {
      String from = c.getPackageName();
      boolean fromInternal = isInternal(from);
      boolean fromRoot = isRoot(c, roots);
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass();
        String to = target.getPackageName();
        if (!to.startsWith("dev.haul") || target.getName().startsWith(c.getName() + "$")) {
          continue;
        }
        if (isInternal(to)) {
          boolean sameModule = module(from).equals(module(to));
          if (!sameModule) {
            out.add("another module's internals: " + d.getDescription());
          } else if (!fromInternal && !fromRoot) {
            out.add("public/SPI type uses an internal class: " + d.getDescription());
          }
        }
        if (fromInternal && isRoot(target, roots) && !isRoot(c, roots)) {
          out.add("internal class depends on a composition root: " + d.getDescription());
        }
      }
      if (fromRoot && c.getModifiers().contains(JavaModifier.PUBLIC)) {
        for (JavaMember m : publicMembers(c)) {
          for (JavaClass t : signatureTypes(m)) {
            if (isInternal(t.getPackageName())) {
              out.add("composition root exposes an internal type: " + m.getFullName());
            }
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<JavaMember> publicMembers(JavaClass c) {
    List<JavaMember> members = new ArrayList<>();
    members.addAll(c.getMethods());
    members.addAll(c.getConstructors());
    members.addAll(c.getFields());
    members.removeIf(m -> !m.getModifiers().contains(JavaModifier.PUBLIC));
    return members;
  }

  /** Every type a member's signature names, generic arguments included. */
  private static Set<JavaClass> signatureTypes(JavaMember m) {
    Set<JavaClass> types = new java.util.HashSet<>();
    if (m instanceof JavaCodeUnit u) {
      u.getParameterTypes().forEach(t -> types.addAll(t.getAllInvolvedRawTypes()));
      types.addAll(u.getReturnType().getAllInvolvedRawTypes());
    } else if (m instanceof JavaField f) {
      types.addAll(f.getType().getAllInvolvedRawTypes());
    }
    return types;
  }

  /** The module that owns {@code pkg}: the longest module root it is in, else core. */
  public static String module(String pkg) {
    return MODULE_ROOTS.stream()
        .filter(r -> pkg.equals(r) || pkg.startsWith(r + "."))
        .max(Comparator.comparingInt(String::length))
        .orElse("dev.haul");
  }

  public static boolean isInternal(String pkg) {
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  private static boolean isRoot(JavaClass c, Set<String> roots) {
    return roots.contains(c.getName());
  }
}
