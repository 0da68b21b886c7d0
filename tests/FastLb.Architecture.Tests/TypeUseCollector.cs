using System.Reflection;
using System.Reflection.Emit;

namespace FastLb.Architecture.Tests;

/// <summary>Finds the types a type uses: its signatures and, by decoding IL, its method bodies.</summary>
/// <remarks>
/// Covers the base type, interfaces, fields, properties, events, method and constructor parameters
/// and return types, generic arguments and constraints, locals, catch clauses, and every type, method
/// or field token in IL. Attributes are not read. Nested types (closures, lambdas, async and iterator
/// state machines) are analysed like any other type; callers map them to their outermost type.
/// </remarks>
internal static class TypeUseCollector
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    /// <summary>Every type of <paramref name="assembly"/>, nested and compiler-generated ones included.</summary>
    public static Type[] TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // a type whose dependency is missing cannot be checked; the rest still can
            return e.Types.Where(t => t is not null).ToArray()!;
        }
    }

    /// <summary>The type <paramref name="type"/> is nested in, outermost; itself when not nested.</summary>
    public static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
    }

    /// <summary>Every named type <paramref name="user"/> uses, with the member that uses it (repeats possible).</summary>
    public static IEnumerable<TypeUse> UsesOf(Type user)
    {
        var found = new List<TypeUse>();
        void Add(Type? used, string where)
        {
            foreach (var named in Named(used))
                found.Add(new TypeUse(user, named, where));
        }

        Add(user.BaseType, "base type");
        foreach (var i in Safe(user.GetInterfaces))
            Add(i, "interface");
        if (user.IsGenericTypeDefinition)
            foreach (var p in user.GetGenericArguments())
                foreach (var c in Safe(p.GetGenericParameterConstraints))
                    Add(c, "generic constraint");

        foreach (var f in Safe(() => user.GetFields(Declared)))
            Add(Try(() => f.FieldType), $"field {f.Name}");
        foreach (var p in Safe(() => user.GetProperties(Declared)))
            Add(Try(() => p.PropertyType), $"property {p.Name}");
        foreach (var e in Safe(() => user.GetEvents(Declared)))
            Add(Try(() => e.EventHandlerType), $"event {e.Name}");

        var methods = Safe(() => user.GetMethods(Declared)).Cast<MethodBase>()
            .Concat(Safe(() => user.GetConstructors(Declared)));
        foreach (var m in methods)
        {
            var where = $"{(m is ConstructorInfo ? "constructor" : "method")} {m.Name}";
            if (m is MethodInfo mi)
            {
                Add(Try(() => mi.ReturnType), where);
                if (mi.IsGenericMethodDefinition)
                    foreach (var p in mi.GetGenericArguments())
                        foreach (var c in Safe(p.GetGenericParameterConstraints))
                            Add(c, where);
            }
            foreach (var p in Safe(m.GetParameters))
                Add(Try(() => p.ParameterType), where);
            foreach (var used in BodyUses(m))
                Add(used, where + " (body)");
        }
        return found;
    }

    /// <summary>The types that <paramref name="method"/>'s body mentions: locals, catch clauses and IL tokens.</summary>
    public static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var body = Try(method.GetMethodBody);
        if (body is null)
            return [];
        var found = new List<Type>();
        foreach (var local in Safe(() => body.LocalVariables))
            found.Add(local.LocalType);
        foreach (var clause in Safe(() => body.ExceptionHandlingClauses))
            if (clause.Flags == ExceptionHandlingClauseOptions.Clause)
                found.Add(clause.CatchType!);

        var il = body.GetILAsByteArray();
        if (il is null)
            return found;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;

        var offset = 0;
        while (offset < il.Length)
        {
            var op = IlOpCodeTable.Read(il, ref offset);
            var size = IlOpCodeTable.OperandSize(op, il, offset);
            if (op.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField)
            {
                var token = BitConverter.ToInt32(il, offset);
                var member = Try(() => op.OperandType switch
                {
                    OperandType.InlineType => module.ResolveType(token, typeArgs, methodArgs),
                    OperandType.InlineMethod => module.ResolveMethod(token, typeArgs, methodArgs),
                    OperandType.InlineField => module.ResolveField(token, typeArgs, methodArgs),
                    _ => module.ResolveMember(token, typeArgs, methodArgs),
                });
                switch (member)
                {
                    case Type t:
                        found.Add(t);
                        break;
                    case MethodBase m:
                        if (m.DeclaringType is { } mt)
                            found.Add(mt);
                        if (m is MethodInfo { IsGenericMethod: true } gm)
                            found.AddRange(gm.GetGenericArguments());
                        break;
                    case FieldInfo f:
                        if (f.DeclaringType is { } ft)
                            found.Add(ft);
                        break;
                }
            }
            offset += size;
        }
        return found;
    }

    /// <summary>The named types inside <paramref name="type"/>: element types and generic arguments taken apart, generic parameters dropped.</summary>
    public static IEnumerable<Type> Named(Type? type)
    {
        if (type is null || type.IsGenericParameter)
            yield break;
        if (type.HasElementType)
        {
            foreach (var t in Named(type.GetElementType()))
                yield return t;
            yield break;
        }
        if (type.IsFunctionPointer)
            yield break;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var arg in type.GetGenericArguments())
                foreach (var t in Named(arg))
                    yield return t;
            yield break;
        }
        yield return type;
    }

    // Reflection throws when a signature names a type from an assembly that is not present;
    // the check skips that one item and keeps going.
    private static T? Try<T>(Func<T?> get) where T : class
    {
        try
        {
            return get();
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or ArgumentException or BadImageFormatException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IEnumerable<T> Safe<T>(Func<IEnumerable<T>> get) => Try(() => get().ToArray()) ?? [];
}
