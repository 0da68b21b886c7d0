namespace FastLb.Architecture.Tests;

/// <summary>Tarjan's strongly connected components, iterative so a deep graph cannot overflow the stack.</summary>
internal static class StronglyConnected
{
    /// <summary>The strongly connected components of the graph given by <paramref name="nodes"/> and <paramref name="successors"/>.</summary>
    /// <remarks>Every node is in exactly one component; a component of one node is not a cycle
    /// (self-edges are not reported). Successors outside <paramref name="nodes"/> are visited too.</remarks>
    public static List<List<T>> Components<T>(IEnumerable<T> nodes, Func<T, IReadOnlyList<T>> successors) where T : notnull
    {
        var index = new Dictionary<T, int>();
        var low = new Dictionary<T, int>();
        var onStack = new HashSet<T>();
        var stack = new Stack<T>();
        var result = new List<List<T>>();
        var next = 0;

        foreach (var root in nodes)
        {
            if (index.ContainsKey(root))
                continue;
            // each frame is a node and how many of its successors have been looked at
            var work = new Stack<(T Node, int Child)>();
            Visit(root);
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (node, child) = work.Pop();
                var succ = successors(node);
                if (child < succ.Count)
                {
                    work.Push((node, child + 1));
                    var s = succ[child];
                    if (!index.ContainsKey(s))
                    {
                        Visit(s);
                        work.Push((s, 0));
                    }
                    else if (onStack.Contains(s))
                    {
                        low[node] = Math.Min(low[node], index[s]);
                    }
                    continue;
                }
                // all successors done: close the node, then pass its low link to its parent
                if (low[node] == index[node])
                {
                    var component = new List<T>();
                    T popped;
                    do
                    {
                        popped = stack.Pop();
                        onStack.Remove(popped);
                        component.Add(popped);
                    } while (!EqualityComparer<T>.Default.Equals(popped, node));
                    result.Add(component);
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }
        return result;

        void Visit(T node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
        }
    }
}
