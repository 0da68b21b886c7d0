using System.CommandLine;
using System.Globalization;
using FastLb.Backends;
using FastLb.Backends.Hosting;

namespace FastLb.Cli;

/// <summary><c>fastlb backend SERVICE --port N ...</c>: runs one e-commerce backend instance until Ctrl+C.</summary>
internal static class BackendCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var service = new Argument<string>("SERVICE") { Description = "users, cart, orders, inventory, payments, notifications (or echo)" };
        var port = new Option<int>("--port") { Description = "port to listen on (0: any free port)", Required = true };
        var host = new Option<string>("--host") { Description = "address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var gateway = new Option<string?>("--gateway") { Description = "base URL through which orders reaches the other services (the FastLb proxy)" };
        var serviceUrls = new Option<string[]>("--service-url") { Description = "NAME=URL, repeatable: orders calls that service directly instead of through --gateway", AllowMultipleArgumentsPerToken = false };
        var delay = new Option<int>("--delay-ms") { Description = "fixed delay added to every /api request" };
        var jitter = new Option<int>("--jitter-ms") { Description = "uniform random extra delay up to this many ms" };
        var errorRate = new Option<double>("--error-rate") { Description = "fraction of /api requests answered 500 (0..1)" };
        var capacity = new Option<int>("--capacity") { Description = "concurrent /api requests served, the rest queue (0: unlimited)" };
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string (users, orders, inventory, payments, notifications)" };
        var schema = new Option<string>("--postgres-schema") { Description = "PostgreSQL schema for the tables", DefaultValueFactory = _ => "fastlb" };
        var redis = new Option<string?>("--redis") { Description = "HOST:PORT of Redis (carts)" };
        var jwtKey = new Option<string?>("--jwt-key") { Description = "shared HMAC key for tokens, >= 32 chars (default: $FASTLB_JWT_KEY, else random per process)" };
        var adminEmail = new Option<string?>("--admin-email") { Description = "users: seed an admin with this e-mail" };
        var adminPassword = new Option<string?>("--admin-password") { Description = "users: the seeded admin's password (default: $FASTLB_ADMIN_PASSWORD)" };
        var name = new Option<string?>("--name") { Description = "instance name in metrics and echo answers" };
        var seed = new Option<int>("--seed") { Description = "seed of the jitter and error-rate generator", DefaultValueFactory = _ => 1 };

        var command = new Command("backend", "Run one e-commerce backend service (Kestrel) with fault knobs.")
        {
            service, port, host, gateway, serviceUrls, delay, jitter, errorRate, capacity, postgres, schema, redis, jwtKey, adminEmail, adminPassword, name, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string serviceName = parse.GetValue(service)!;
            if (!BackendHost.TryParseService(serviceName, out BackendService kind))
            {
                throw new UsageException($"SERVICE '{serviceName}' is not one of users, cart, orders, inventory, payments, notifications, echo");
            }

            var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
            foreach (string pair in parse.GetValue(serviceUrls) ?? [])
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !Uri.TryCreate(pair[(eq + 1)..], UriKind.Absolute, out Uri? url)) throw new UsageException($"--service-url '{pair}' must be NAME=URL");
                urls[pair[..eq]] = url;
            }

            Uri? gatewayUri = null;
            if (parse.GetValue(gateway) is { } g && !Uri.TryCreate(g, UriKind.Absolute, out gatewayUri)) throw new UsageException($"--gateway '{g}' is not an absolute URL");

            var options = new BackendOptions
            {
                Service = kind,
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
                Gateway = gatewayUri,
                ServiceUrls = urls,
                DelayMs = parse.GetValue(delay),
                JitterMs = parse.GetValue(jitter),
                ErrorRate = parse.GetValue(errorRate),
                Capacity = parse.GetValue(capacity),
                Postgres = parse.GetValue(postgres),
                PostgresSchema = parse.GetValue(schema)!,
                Redis = parse.GetValue(redis),
                JwtKey = parse.GetValue(jwtKey) ?? Environment.GetEnvironmentVariable("FASTLB_JWT_KEY"),
                AdminEmail = parse.GetValue(adminEmail),
                AdminPassword = parse.GetValue(adminPassword) ?? Environment.GetEnvironmentVariable("FASTLB_ADMIN_PASSWORD"),
                InstanceName = parse.GetValue(name),
                Seed = parse.GetValue(seed),
            };
            IReadOnlyList<string> errors = options.Validate();
            if (errors.Count > 0) throw new UsageException(string.Join("; ", errors));
            if (options.JwtKey is null && kind != BackendService.Echo)
            {
                Console.Error.WriteLine("fastlb backend: no --jwt-key or FASTLB_JWT_KEY: tokens from other processes will not validate");
            }

            RunningBackend backend;
            try
            {
                backend = await BackendHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"fastlb backend: {kind.ToString().ToLowerInvariant()} failed to start: {e.Message}");
                return CliRunner.RuntimeFailure;
            }

            await using (backend.ConfigureAwait(false))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fastlb backend: {kind.ToString().ToLowerInvariant()} listening on {backend.BaseAddress} ({backend.InstanceName})"));
                try
                {
                    await backend.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return CliRunner.Ok;
        });
        return command;
    }
}
