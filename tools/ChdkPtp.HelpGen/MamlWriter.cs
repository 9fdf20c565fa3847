using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;

namespace ChdkPtp.HelpGen
{
    /// <summary>
    /// Writes MAML command help (the format of *.dll-Help.xml files that Get-Help reads).
    /// The output depends only on the input: stable order, '\n' line ends, UTF-8 without BOM.
    /// </summary>
    public static class MamlWriter
    {
        public const string MshNs = "http://msh";
        public const string MamlNs = "http://schemas.microsoft.com/maml/2004/10";
        public const string CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        public const string DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";
        public const string MsHelpNs = "http://msdn.microsoft.com/mshelp";

        public static byte[] ToBytes(IEnumerable<CommandHelp> commands)
        {
            var settings = new XmlWriterSettings
            {
                Encoding = new UTF8Encoding(false),
                Indent = true,
                IndentChars = "  ",
                NewLineChars = "\n",
                NewLineHandling = NewLineHandling.Replace,
                OmitXmlDeclaration = false,
                CloseOutput = false,
            };
            using (var ms = new MemoryStream())
            {
                using (var w = XmlWriter.Create(ms, settings))
                {
                    w.WriteStartDocument();
                    w.WriteStartElement("helpItems", MshNs);
                    w.WriteAttributeString("schema", "maml");
                    foreach (var cmd in commands)
                    {
                        WriteCommand(w, cmd);
                    }
                    w.WriteEndElement();
                    w.WriteEndDocument();
                }
                ms.WriteByte((byte)'\n');
                return ms.ToArray();
            }
        }

        private static void WriteCommand(XmlWriter w, CommandHelp cmd)
        {
            w.WriteStartElement("command", "command", CommandNs);
            w.WriteAttributeString("xmlns", "maml", null, MamlNs);
            w.WriteAttributeString("xmlns", "dev", null, DevNs);
            w.WriteAttributeString("xmlns", "MSHelp", null, MsHelpNs);

            w.WriteStartElement("command", "details", CommandNs);
            w.WriteElementString("command", "name", CommandNs, cmd.Name);
            w.WriteElementString("command", "verb", CommandNs, cmd.Verb ?? "");
            w.WriteElementString("command", "noun", CommandNs, cmd.Noun ?? "");
            WriteDescription(w, "maml", MamlNs, cmd.Synopsis);
            w.WriteEndElement();

            WriteDescription(w, "maml", MamlNs, cmd.Description);

            var visible = cmd.Parameters.Where(p => !p.DontShow).ToList();
            w.WriteStartElement("command", "syntax", CommandNs);
            foreach (var set in cmd.SyntaxSets)
            {
                w.WriteStartElement("command", "syntaxItem", CommandNs);
                w.WriteElementString("maml", "name", MamlNs, cmd.Name);
                var members = new List<Tuple<ParameterHelp, ParameterSetHelp, int>>();
                for (int i = 0; i < visible.Count; i++)
                {
                    var entry = set.IsAllSets ? FirstEntry(visible[i]) : visible[i].EntryFor(set.Name);
                    if (entry != null)
                    {
                        members.Add(Tuple.Create(visible[i], entry, i));
                    }
                }
                // positional parameters by position, then required named ones, then the rest; ties keep doc order
                foreach (var m in members
                    .OrderBy(m => m.Item2.Position.HasValue ? 0 : m.Item2.IsRequired ? 1 : 2)
                    .ThenBy(m => m.Item2.Position ?? 0)
                    .ThenBy(m => m.Item3))
                {
                    WriteParameter(w, m.Item1, m.Item2, true);
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();

            w.WriteStartElement("command", "parameters", CommandNs);
            foreach (var p in visible)
            {
                WriteParameter(w, p, FirstEntry(p), false);
            }
            w.WriteEndElement();

            WriteTypes(w, "inputTypes", "inputType", cmd.Inputs);
            WriteTypes(w, "returnValues", "returnValue", cmd.Outputs);

            if (cmd.Notes.Count > 0)
            {
                w.WriteStartElement("maml", "alertSet", MamlNs);
                w.WriteStartElement("maml", "alert", MamlNs);
                WriteParas(w, cmd.Notes);
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteStartElement("command", "examples", CommandNs);
            foreach (var ex in cmd.Examples)
            {
                w.WriteStartElement("command", "example", CommandNs);
                w.WriteElementString("maml", "title", MamlNs, ex.MamlTitle);
                w.WriteElementString("dev", "code", DevNs, ex.Code ?? "");
                w.WriteStartElement("dev", "remarks", DevNs);
                WriteParas(w, ex.Remarks);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();

            w.WriteStartElement("command", "relatedLinks", CommandNs);
            if (!string.IsNullOrEmpty(cmd.OnlineUri))
            {
                WriteLink(w, "Online Version:", cmd.OnlineUri);
            }
            foreach (var link in cmd.RelatedLinks)
            {
                WriteLink(w, link.Text, link.Uri);
            }
            w.WriteEndElement();

            w.WriteEndElement();
        }

        private static ParameterSetHelp FirstEntry(ParameterHelp p)
        {
            return p.ParameterSets.Count > 0 ? p.ParameterSets[0] : new ParameterSetHelp { Name = ParameterSetHelp.AllSets };
        }

        private static void WriteParameter(XmlWriter w, ParameterHelp p, ParameterSetHelp entry, bool inSyntax)
        {
            w.WriteStartElement("command", "parameter", CommandNs);
            w.WriteAttributeString("required", entry.IsRequired ? "true" : "false");
            w.WriteAttributeString("variableLength", "true");
            w.WriteAttributeString("globbing", p.SupportsWildcards ? "true" : "false");
            w.WriteAttributeString("pipelineInput", entry.PipelineInputText);
            w.WriteAttributeString("position", entry.PositionText);
            w.WriteAttributeString("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases));
            w.WriteElementString("maml", "name", MamlNs, p.Name);
            WriteDescription(w, "maml", MamlNs, p.Description);
            if (p.AcceptedValues.Count > 0)
            {
                w.WriteStartElement("command", "parameterValueGroup", CommandNs);
                foreach (var v in p.AcceptedValues)
                {
                    w.WriteStartElement("command", "parameterValue", CommandNs);
                    w.WriteAttributeString("required", "false");
                    w.WriteAttributeString("command", "variableLength", CommandNs, "false");
                    w.WriteString(v);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            string valueName = p.ParameterValue.Count > 0 ? p.ParameterValue[0] : ShortTypeName(p.Type);
            if (!p.IsSwitch || !inSyntax)
            {
                w.WriteStartElement("command", "parameterValue", CommandNs);
                w.WriteAttributeString("required", p.IsSwitch ? "false" : "true");
                w.WriteAttributeString("variableLength", "false");
                w.WriteString(valueName);
                w.WriteEndElement();
            }
            w.WriteStartElement("dev", "type", DevNs);
            w.WriteElementString("maml", "name", MamlNs, p.Type ?? "");
            w.WriteElementString("maml", "uri", MamlNs, "");
            w.WriteEndElement();
            w.WriteElementString("dev", "defaultValue", DevNs, string.IsNullOrEmpty(p.DefaultValue) ? "None" : p.DefaultValue);
            w.WriteEndElement();
        }

        /// <summary>"System.String[]" -> "String[]"; generic arguments are left as written.</summary>
        public static string ShortTypeName(string type)
        {
            if (string.IsNullOrEmpty(type))
            {
                return "";
            }
            int bracket = type.IndexOf('[');
            string head = bracket >= 0 ? type.Substring(0, bracket) : type;
            string tail = bracket >= 0 ? type.Substring(bracket) : "";
            int dot = head.LastIndexOf('.');
            return (dot >= 0 ? head.Substring(dot + 1) : head) + tail;
        }

        private static void WriteTypes(XmlWriter w, string listName, string itemName, List<TypeHelp> types)
        {
            w.WriteStartElement("command", listName, CommandNs);
            foreach (var t in types)
            {
                w.WriteStartElement("command", itemName, CommandNs);
                w.WriteStartElement("dev", "type", DevNs);
                w.WriteElementString("maml", "name", MamlNs, t.TypeName);
                w.WriteEndElement();
                WriteDescription(w, "maml", MamlNs, t.Description);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }

        private static void WriteLink(XmlWriter w, string text, string uri)
        {
            w.WriteStartElement("maml", "navigationLink", MamlNs);
            w.WriteElementString("maml", "linkText", MamlNs, text ?? "");
            w.WriteElementString("maml", "uri", MamlNs, uri ?? "");
            w.WriteEndElement();
        }

        private static void WriteDescription(XmlWriter w, string prefix, string ns, List<string> paras)
        {
            w.WriteStartElement(prefix, "description", ns);
            WriteParas(w, paras);
            w.WriteEndElement();
        }

        private static void WriteParas(XmlWriter w, List<string> paras)
        {
            foreach (var para in paras)
            {
                w.WriteElementString("maml", "para", MamlNs, para);
            }
        }
    }
}
