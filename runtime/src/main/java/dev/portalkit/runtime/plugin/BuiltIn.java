package dev.portalkit.runtime.plugin;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a runtime plugin that is always enabled (the core). Built-in plugins come after every
 * configured plugin in plugin order, so configured plugins wrap and replace what they define.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BuiltIn {
}
