namespace FastLb.RequestLog;

/// <summary>A request log that cannot be used: unreadable, empty, a required column missing, or too many bad lines.</summary>
/// <remarks>Bad input from the user, not a bug: the trainer's command line maps it to exit 2.</remarks>
internal sealed class RequestLogException(string message, Exception? inner = null) : Exception(message, inner);
