/** The Java side of the interop tests and the benchmark against containerd/ttrpc (Go). */
package io.jshim.ttrpc.interop;
