namespace FastLb.Policy;

/// <summary>A request's method as a policy feature; anything uncommon is <see cref="Other"/>.</summary>
public enum RequestMethod : byte
{
    Other = 0,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Patch,
    Options,
}
