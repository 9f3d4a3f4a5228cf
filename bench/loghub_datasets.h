// The ten Loghub-2k datasets of ../shared/datasets/loghub-2k and their header formats, exactly as
// the dataset README writes them. Shared by the log-mining benchmarks.
#pragma once

namespace quell::bench {

struct LoghubDataset {
  const char* name;
  const char* format;
};

inline constexpr LoghubDataset kLoghubDatasets[] = {
    {"HDFS", "<Date> <Time> <Pid> <Level> <Component>: <Content>"},
    {"Hadoop", R"(<Date> <Time> <Level> \[<Process>\] <Component>: <Content>)"},
    {"Spark", "<Date> <Time> <Level> <Component>: <Content>"},
    {"Zookeeper", R"(<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>)"},
    {"BGL",
     "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>"},
    {"HPC", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>"},
    {"Thunderbird",
     R"(<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>)"},
    {"Linux", R"(<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>)"},
    {"Android", "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>"},
    {"OpenSSH", R"(<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>)"},
};

}  // namespace quell::bench
