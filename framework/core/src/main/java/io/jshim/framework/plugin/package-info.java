/**
 * The plugin SPI of the jshim framework: what a third party implements to add TTRPC services, events,
 * internal services or debug endpoints to a shim built with {@code io.jshim.framework.Shim}.
 *
 * <ul>
 *   <li>{@link io.jshim.framework.plugin.ShimPlugin}: the descriptor found by {@code ServiceLoader}.</li>
 *   <li>{@link io.jshim.framework.plugin.PluginContext}: options, state dir and typed settings.</li>
 *   <li>{@link io.jshim.framework.plugin.ShimBindings}: contribute services, interceptors, lifecycle
 *       components; expose a binding to other plugins.</li>
 *   <li>{@link io.jshim.framework.plugin.Publisher}, {@link io.jshim.framework.plugin.ShutdownService}:
 *       the services the built-in {@code publisher} and {@code shutdown} plugins expose.</li>
 * </ul>
 */
package io.jshim.framework.plugin;
