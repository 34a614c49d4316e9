/**
 * Testing shim plugins without root and without containerd (public API).
 *
 * <ul>
 *   <li>{@link io.jshim.testkit.TestShim}: a shim in the test's JVM on a temporary bundle, with the real
 *       plugin registry, a real TTRPC server on a temporary Unix socket and a client; {@code AutoCloseable}.</li>
 *   <li>{@link io.jshim.testkit.CapturingPublisher}: the {@code Publisher} plugins get, recording events.</li>
 *   <li>{@link io.jshim.testkit.HoconConfig}: builds the operator's HOCON file.</li>
 * </ul>
 */
package io.jshim.testkit;
