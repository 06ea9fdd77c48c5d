//! Sources outside Discord's gateway: DiscordChatExporter exports,
//! timeline-notes files, and Scribe's own JSON export or record HTML.
