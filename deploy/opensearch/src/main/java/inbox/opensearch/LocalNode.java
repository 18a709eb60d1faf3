package inbox.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.join.ParentJoinPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * An OpenSearch node for local runs and tests, assembled from Maven Central jars: alone, or one
 * of a cluster when given its name, the transport addresses of the others and the names of the
 * nodes that bootstrap the cluster.
 * Usage: java -cp 'lib/*:classes' inbox.opensearch.LocalNode <home> <httpPort> <transportPort>
 *          [<nodeName> <seedHost:port,...> <initialManagerName,...> [<clusterName>]]
 *        (-Dinbox.roles=data,ingest before the class name for a node that never manages)
 */
public final class LocalNode extends Node {
    private static final List<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        MapperExtrasPlugin.class,
        ReindexPlugin.class,
        ParentJoinPlugin.class
    );

    private LocalNode(Environment environment) {
        super(environment, MODULES, true);
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        String httpPort = args.length > 1 ? args[1] : "9200";
        String transportPort = args.length > 2 ? args[2] : "9300";
        String nodeName = args.length > 3 ? args[3] : "inbox-local-1";
        boolean clustered = args.length > 5;
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("plugins"));
        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", args.length > 6 ? args[6] : "inbox-local")
            .put("node.name", nodeName)
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort);
        if (clustered) {
            builder.putList("discovery.seed_hosts", args[4].split(","))
                .putList("cluster.initial_cluster_manager_nodes", args[5].split(","));
            // -Dinbox.roles=data,ingest: a node that holds data and never manages the cluster.
            String roles = System.getProperty("inbox.roles", "");
            if (!roles.isEmpty()) builder.putList("node.roles", roles.split(","));
        } else {
            builder.put("discovery.type", "single-node");
        }
        Settings settings = builder
            .put("action.auto_create_index", "false")
            .put("cluster.routing.allocation.disk.threshold_enabled", "false")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            // Per-task CPU accounting reads the thread's CPU clock at every search phase (5-8% of a
            // search's CPU here); it only feeds search backpressure, which by default just monitors.
            .put("task_resource_tracking.enabled", "false")
            .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, java.util.Map.of(), home.resolve("config"), () -> nodeName);
        LocalNode node = new LocalNode(env);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        stopped.await();
    }
}
