<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About GreenPlan</source>
        <translation>关于 GreenPlan</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Greening and land-use planning for county planners: green coverage, the ecological red line and the three control lines, planning maps.</source>
        <translation>面向县级规划人员的绿化与国土空间规划工具：绿化覆盖率、生态保护红线与三条控制线、规划制图。</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Recent Projects</source>
        <translation>最近的项目</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言 / Language</translation>
    </message>
    <message>
        <source>&amp;New Project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Add Layer…</source>
        <translation>添加图层(&amp;A)…</translation>
    </message>
    <message>
        <source>Layer &amp;Style…</source>
        <translation>图层样式(&amp;S)…</translation>
    </message>
    <message>
        <source>Attribute &amp;Table</source>
        <translation>属性表(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Zoom to Layer</source>
        <translation>缩放至图层(&amp;Z)</translation>
    </message>
    <message>
        <source>Set &amp;Role…</source>
        <translation>设置图层角色(&amp;R)…</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Remove Layer</source>
        <translation>移除图层(&amp;R)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Full Extent</source>
        <translation>全图显示(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Pan</source>
        <translation>平移(&amp;P)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Rectangle</source>
        <translation>拉框放大(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Identify Feature</source>
        <translation>要素识别(&amp;I)</translation>
    </message>
    <message>
        <source>Measure &amp;Distance</source>
        <translation>量测距离(&amp;D)</translation>
    </message>
    <message>
        <source>Measure &amp;Area</source>
        <translation>量测面积(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Check Data…</source>
        <translation>数据检查(&amp;C)…</translation>
    </message>
    <message>
        <source>Compute &amp;Indicators</source>
        <translation>计算指标(&amp;I)</translation>
    </message>
    <message>
        <source>Open &amp;Log Folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About GreenPlan</source>
        <translation>关于 GreenPlan(&amp;A)</translation>
    </message>
</context>
<context>
    <name>AddLayerDialog</name>
    <message>
        <source>Add layer</source>
        <translation>添加图层</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Layer in file</source>
        <translation>文件内图层</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>图层角色</translation>
    </message>
    <message>
        <source>Attribute encoding</source>
        <translation>属性编码</translation>
    </message>
    <message>
        <source>(reference layer, no role)</source>
        <translation>（参考图层，不参与分析）</translation>
    </message>
    <message>
        <source>Choose a layer file</source>
        <translation>选择图层文件</translation>
    </message>
    <message>
        <source>GIS data</source>
        <translation>GIS 数据</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>The encoding of this file is uncertain (detected {0}). Choose the column where the Chinese text reads correctly.</source>
        <translation>无法确定该文件的属性编码（检测结果为 {0}）。请选择中文显示正确的一列。</translation>
    </message>
    <message>
        <source>Detected encoding: {0}.</source>
        <translation>检测到的编码：{0}。</translation>
    </message>
</context>
<context>
    <name>AttributeTable</name>
    <message>
        <source>Filter: text in any column</source>
        <translation>筛选：任一字段包含的文字</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>缩放至所选</translation>
    </message>
    <message>
        <source>{0} of {1} features, {2} selected</source>
        <translation>显示 {0} / 共 {1} 个要素，已选 {2} 个</translation>
    </message>
</context>
<context>
    <name>CheckDialog</name>
    <message>
        <source>Data check</source>
        <translation>数据检查</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告全文</translation>
    </message>
    <message>
        <source>Layer / level</source>
        <translation>图层 / 级别</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>问题说明</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message>
        <source>Problems were found in the data.</source>
        <translation>数据中发现问题。</translation>
    </message>
    <message>
        <source>Some input cannot be used.</source>
        <translation>部分输入数据无法使用。</translation>
    </message>
    <message>
        <source>{0} layers, {1} errors, {2} problems, {3} warnings. Working CRS: {4}.</source>
        <translation>共 {0} 个图层，错误 {1} 个，问题 {2} 个，警告 {3} 个。工作坐标系：{4}。</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>{0} findings</source>
        <translation>{0} 条</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>ColorButton</name>
    <message>
        <source>none</source>
        <extracomment>project-style keys written by this editor (those of render.styles.LayerStyle)</extracomment>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <source>An unexpected error occurred. Please send the log file to support.</source>
        <translation>发生了意外错误。请将日志文件发送给技术支持。</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <source>GreenPlan: error</source>
        <translation>GreenPlan：出错</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Click a feature on the map with the identify tool.</source>
        <translation>请使用“要素识别”工具在地图上点击要素。</translation>
    </message>
    <message>
        <source>reference layer</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <source>feature {0}</source>
        <translation>第 {0} 个要素</translation>
    </message>
    <message>
        <source>(area)</source>
        <translation>（面积）</translation>
    </message>
    <message>
        <source>(length)</source>
        <translation>（长度）</translation>
    </message>
</context>
<context>
    <name>IndicatorsDock</name>
    <message>
        <source>Computing the indicators…</source>
        <translation>正在计算指标…</translation>
    </message>
    <message>
        <source>The indicators could not be computed.</source>
        <translation>指标计算失败。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Press Compute to analyse the open project.</source>
        <translation>点击“计算”对当前项目进行分析。</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总体</translation>
    </message>
    <message>
        <source>By township</source>
        <translation>分乡镇</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突图斑</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>标准值</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Project {0}, CRS {1}, as of {2}, scheme {3}.</source>
        <translation>项目：{0}；坐标系：{1}；基准日：{2}；评价标准：{3}。</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇（街道）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>Reference layers</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <source>(loading…)</source>
        <translation>（加载中…）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>要素识别</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Attributes: {0}</source>
        <translation>属性表：{0}</translation>
    </message>
    <message>
        <source>Green Planning</source>
        <translation>绿化规划</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
</context>
<context>
    <name>ProjectOps</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them?</source>
        <translation>项目有未保存的修改，是否保存？</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <source>GreenPlan was not closed properly. Restore the unsaved project?</source>
        <translation>GreenPlan 上次未正常关闭。是否恢复未保存的项目？</translation>
    </message>
    <message>
        <source>Untitled project</source>
        <translation>未命名项目</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>GreenPlan projects</source>
        <translation>GreenPlan 项目</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <source>Rename layer</source>
        <translation>重命名图层</translation>
    </message>
    <message>
        <source>Layer name:</source>
        <translation>图层名称：</translation>
    </message>
    <message>
        <source>(reference layer, no role)</source>
        <translation>（参考图层，不参与分析）</translation>
    </message>
    <message>
        <source>Layer role</source>
        <translation>图层角色</translation>
    </message>
    <message>
        <source>What is this layer?</source>
        <translation>该图层是什么数据？</translation>
    </message>
</context>
<context>
    <name>StyleDialog</name>
    <message>
        <source>Style: {0}</source>
        <translation>图层样式：{0}</translation>
    </message>
    <message>
        <source>Fill colour</source>
        <translation>填充颜色</translation>
    </message>
    <message>
        <source>Edge colour</source>
        <translation>边线颜色</translation>
    </message>
    <message>
        <source>Edge width (pt)</source>
        <translation>边线宽度（磅）</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Hatch</source>
        <translation>填充图案</translation>
    </message>
    <message>
        <source>Line style</source>
        <translation>线型</translation>
    </message>
    <message>
        <source>No fill</source>
        <translation>无填充</translation>
    </message>
</context>
</TS>