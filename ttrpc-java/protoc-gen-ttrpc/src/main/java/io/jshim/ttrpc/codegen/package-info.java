/** protoc-gen-ttrpc: a protoc plugin generating TTRPC bindings ({@code FooTtrpc}) for ttrpc-java. */
package io.jshim.ttrpc.codegen;
