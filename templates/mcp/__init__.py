"""The MCP server, `python -m <package> mcp`: the API's operations as tools for AI agents (`_server`),
their table (`tools.json`, generated from the spec, read by `_table`), and one call (`_call`). Needs
the `mcp` extra; imported only by that command and by `create_mcp_server`, so `import <package>`
never pays for it. Private to the package."""
