namespace FastLb.Architecture.Tests;

/// <summary>One type that a type uses, and where (which member), for failure messages.</summary>
/// <param name="User">The type whose signature or method body mentions <paramref name="Used"/>.</param>
/// <param name="Used">The named type used (no arrays, no constructed generics: those are taken apart).</param>
/// <param name="Where">The member of <paramref name="User"/> that mentions it, e.g. "base type" or "method Run (body)".</param>
internal readonly record struct TypeUse(Type User, Type Used, string Where);
