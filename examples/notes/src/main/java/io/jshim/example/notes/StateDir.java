package io.jshim.example.notes;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/** Qualifies the plugin's state dir ({@code BUNDLE/io.containerd.ttrpc.v1.notes}) in its bindings. */
@Qualifier
@Retention(RUNTIME)
@Target(PARAMETER)
@interface StateDir {
}
