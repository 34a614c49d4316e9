package io.jshim.plugin.taskrunc;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.jshim.framework.ShimOptions;
import io.jshim.framework.plugin.Managed;
import io.jshim.framework.plugin.PluginContext;
import io.jshim.framework.plugin.PluginType;
import io.jshim.framework.plugin.Publisher;
import io.jshim.framework.plugin.ShimBindings;
import io.jshim.framework.plugin.ShimPlugin;
import io.jshim.framework.plugin.ShutdownService;
import io.jshim.plugin.taskrunc.cgroups.CgroupStats;
import io.jshim.plugin.taskrunc.service.ContainerWatch;
import io.jshim.plugin.taskrunc.container.ContainerFactory;
import io.jshim.plugin.taskrunc.container.FailedCreateRecord;
import io.jshim.plugin.taskrunc.container.RootfsMounter;
import io.jshim.plugin.taskrunc.container.RuntimeDefaults;
import io.jshim.plugin.taskrunc.oom.OomWatcher;
import io.jshim.plugin.taskrunc.process.ExitTracker;
import io.jshim.plugin.taskrunc.runc.LauncherCommandRunner;
import io.jshim.plugin.taskrunc.service.RuncTasks;
import io.jshim.plugin.taskrunc.service.TaskEvents;
import io.jshim.plugin.taskrunc.service.TaskTtrpcService;
import com.google.inject.Key;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import io.jshim.plugin.taskrunc.stdio.StdioFactory;
import io.jshim.plugin.taskrunc.threads.ReadyThreads;
import io.jshim.posix.Posix;
import io.jshim.ttrpc.BindableService;
import io.jshim.posix.ProcessLauncher;
import io.jshim.posix.ProcessReaper;

import java.util.Set;

/**
 * The runc task plugin ({@code io.containerd.ttrpc.v1.task}): serves {@code containerd.task.v2.Task} and
 * {@code containerd.task.v3.Task} over runc (or any runc-compatible runtime). Requires the events publisher
 * ({@code io.containerd.event.v1}) and the shutdown service ({@code io.containerd.internal.v1}).
 */
public final class TaskRuncPlugin implements ShimPlugin {
    @Override
    public PluginType type() {
        return PluginType.TTRPC;
    }

    @Override
    public String id() {
        return "task";
    }

    @Override
    public Set<PluginType> requires() {
        return Set.of(PluginType.EVENT, PluginType.INTERNAL);
    }

    @Override
    public Class<TaskRuncSettings> settingsType() {
        return TaskRuncSettings.class;
    }

    @Override
    public Module module(PluginContext context) {
        TaskRuncSettings settings = context.settings(TaskRuncSettings.class);
        return new TaskModule(settings);
    }

    /** Wires the plugin's units; every binding explicit. */
    static final class TaskModule extends AbstractModule {
        /** Threads kept waiting for a Create's stdio copies and OOM watch: stdin, stdout, stderr. */
        private static final int READY_THREADS = 3;
        private final TaskRuncSettings settings;

        TaskModule(TaskRuncSettings settings) {
            this.settings = settings;
        }

        @Override
        protected void configure() {
            bind(TaskRuncSettings.class).toInstance(settings);
            ShimBindings.services(binder()).addBinding().to(TaskTtrpcService.class);
            ShimBindings.services(binder()).addBinding().to(Key.get(BindableService.class, Names.named("v3")));
            ShimBindings.managed(binder()).addBinding().to(ExitSubscription.class);
            ShimBindings.managed(binder()).addBinding().to(ReadyThreads.class);
            ShimBindings.managed(binder()).addBinding().to(OomWatcher.class);
        }

        @Provides
        @Singleton
        ExitTracker exitTracker() {
            return new ExitTracker();
        }

        @Provides
        @Singleton
        ExitSubscription exitSubscription(ProcessReaper reaper, ExitTracker tracker) {
            return new ExitSubscription(reaper, tracker);
        }

        @Provides
        @Singleton
        TaskEvents events(Publisher publisher) {
            return new TaskEvents(publisher);
        }

        @Provides
        @Singleton
        OomWatcher oomWatcher(Posix posix, TaskEvents events, ReadyThreads threads) {
            return new OomWatcher(posix, events, threads);
        }

        @Provides
        @Singleton
        ReadyThreads readyThreads() {
            return new ReadyThreads(READY_THREADS);
        }

        @Provides
        @Singleton
        StdioFactory stdioFactory(Posix posix, ReadyThreads threads) {
            return new StdioFactory(posix, threads);
        }

        @Provides
        @Singleton
        ContainerFactory containerFactory(Posix posix, ProcessLauncher launcher, StdioFactory stdio) {
            return new ContainerFactory(posix, new LauncherCommandRunner(posix, launcher, settings.runcTimeout()),
                    stdio, new RootfsMounter(posix),
                    new RuntimeDefaults(settings.runtimeBinary(), settings.runcRoot()),
                    new FailedCreateRecord(java.time.Clock.systemUTC()));
        }

        @Provides
        @Singleton
        RuncTasks tasks(ShimOptions options, ContainerFactory factory, StdioFactory stdio, ExitTracker exits,
                        TaskEvents events, ShutdownService shutdown, Posix posix, OomWatcher oom,
                        CgroupStats stats) {
            return new RuncTasks(options.namespace(), factory, stdio, exits, events, shutdown, posix,
                    ContainerWatch.all(java.util.List.of(oom, stats)));
        }

        @Provides
        @Singleton
        CgroupStats stats() {
            return new CgroupStats(java.nio.file.Path.of("/sys/fs/cgroup"), java.nio.file.Path.of("/proc"));
        }

        @Provides
        @Singleton
        TaskTtrpcService service(RuncTasks tasks, CgroupStats stats, Posix posix) {
            return new TaskTtrpcService(tasks, stats, posix.getpid());
        }

        @Provides
        @Singleton
        @Named("v3")
        BindableService v3(TaskTtrpcService service) {
            return service.bindV3();
        }
    }
}
