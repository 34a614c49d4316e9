package io.jshim.ttrpc;

/** An object that serves one TTRPC service; generated {@code FooImplBase} classes implement it. */
@FunctionalInterface
public interface BindableService {

    /** @return the service's name and handlers, to be added to a {@link TtrpcServer} */
    ServiceDefinition bindService();
}
